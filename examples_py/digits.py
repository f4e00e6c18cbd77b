"""The README's main job: train a small CNN on the 8x8 handwritten digits, plot, save the weights.

    python examples_py/digits.py [--epochs N] [--out DIR] [--min-accuracy PCT]

1,797 images (scikit-learn's `load_digits` when scikit-learn is installed, else data/digits.safetensors,
the same values), split 1500 / 297 with a seeded generator; a CNN of two 3x3 convolutions, a max-pool and
two linear layers, trained with Adam. Writes DIR/digits_cnn.safetensors (the weights, read by
examples_cpp/digits.cpp) and DIR/digits_training.png (loss and accuracy per epoch, when matplotlib is
installed). The last line printed is `final test accuracy: NN.N%`.
"""
import argparse
import math
import pathlib
import sys
import time

import ember
from ember import nn
from ember.utils.data import DataLoader, TensorDataset, random_split

ROOT = pathlib.Path(__file__).resolve().parent.parent
SPLIT = [1500, 297]  # train, test (examples_cpp/digits.cpp makes the same split)
SEED = 0


def load_digits():
    """images (N, 1, 8, 8) float32 in [0, 1] and labels (N,) int64."""
    try:
        from sklearn.datasets import load_digits as sk_load

        d = sk_load()
        images, labels = ember.from_numpy(d.images.astype("float32")), ember.from_numpy(d.target.astype("int64"))
        source = "scikit-learn"
    except ImportError:
        d = ember.load(ROOT / "data" / "digits.safetensors")
        images, labels = d["images"].to(ember.float32), d["labels"]
        source = "data/digits.safetensors"
    return images.reshape(-1, 1, 8, 8) / 16.0, labels, source


class DigitsCNN(nn.Module):
    """conv 1->16 k3 p1, relu, conv 16->32 k3 p1, relu, maxpool 2, flatten, linear 512->64, relu, linear 64->10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(32 * 4 * 4, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = ember.relu(self.conv1(x))
        x = self.pool(ember.relu(self.conv2(x)))
        x = ember.relu(self.fc1(x.flatten(1)))
        return self.fc2(x)


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with ember.no_grad():
        for xb, yb in loader:
            correct += int((model(xb).argmax(1) == yb).sum())
            total += len(yb)
    model.train()
    return 100.0 * correct / total


def progress(epoch, epochs, step, steps, loss, acc, rate):
    width = 24
    done = int(width * step / steps)
    bar = "#" * done + "." * (width - done)
    sys.stdout.write(f"\repoch {epoch:2d}/{epochs} [{bar}] loss {loss:.4f}  train acc {acc:5.1f}%  {rate:7.0f} samples/s")
    sys.stdout.flush()


def plot(history, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot")
        return
    epochs = range(1, len(history) + 1)
    fig, ax1 = plt.subplots(figsize=(6, 3.5))
    ax1.plot(epochs, [h[0] for h in history], color="tab:blue", label="train loss")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("loss", color="tab:blue")
    ax2 = ax1.twinx()
    ax2.plot(epochs, [h[1] for h in history], color="tab:orange", label="test accuracy")
    ax2.set_ylabel("test accuracy (%)", color="tab:orange")
    ax1.set_title("ember: CNN on the 8x8 digits")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"plot: {path}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--out", type=pathlib.Path, default=ROOT / "build" / "demo")
    p.add_argument("--min-accuracy", type=float, default=97.0, help="exit 1 below this test accuracy")
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    ember.manual_seed(SEED)

    images, labels, source = load_digits()
    train, test = random_split(TensorDataset(images, labels), SPLIT, generator=ember.Generator().manual_seed(SEED))
    print(f"digits from {source}: {len(train)} training and {len(test)} test images of 8x8")
    train_loader = DataLoader(train, batch_size=64, shuffle=True, generator=ember.Generator().manual_seed(SEED))
    test_loader = DataLoader(test, batch_size=len(test))  # one batch, as examples_cpp/digits.cpp evaluates

    model = DigitsCNN()
    print(model)
    opt = ember.optim.Adam(model.parameters(), lr=3e-3)
    sched = ember.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    loss_fn = nn.CrossEntropyLoss()
    history = []
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        t0, seen, correct, loss_sum = time.perf_counter(), 0, 0, 0.0
        for step, (xb, yb) in enumerate(train_loader, 1):
            out = model(xb)
            loss = loss_fn(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            seen += len(yb)
            loss_sum += float(loss) * len(yb)
            correct += int((out.argmax(1) == yb).sum())
            progress(epoch, args.epochs, step, len(train_loader), loss_sum / seen, 100.0 * correct / seen,
                     seen / max(time.perf_counter() - t0, 1e-9))
        sched.step()
        history.append((loss_sum / seen, evaluate(model, test_loader)))
        sys.stdout.write("\n")
    elapsed = time.perf_counter() - start
    acc = evaluate(model, test_loader)
    print(f"trained {args.epochs} epochs in {elapsed:.1f} s; test accuracy {acc:.1f}%")
    weights = args.out / "digits_cnn.safetensors"
    ember.save(model.state_dict(), weights)
    print(f"weights: {weights}")
    plot(history, args.out / "digits_training.png")

    # The saved weights give the same model back.
    again = DigitsCNN()
    again.load_state_dict(ember.load(weights))
    assert math.isclose(evaluate(again, test_loader), acc), "reloaded weights disagree"
    print(f"final test accuracy: {acc:.1f}%")
    return 0 if acc >= args.min_accuracy else 1


if __name__ == "__main__":
    sys.exit(main())
