// ember::data from C++ (libtorch's torch::data renamed): Example, TensorDataset, custom datasets,
// map with Stack / Lambda / Normalize / TensorLambda, the samplers, and make_data_loader with and
// without worker threads: ordering, seeded shuffling, drop_last, the same samples with workers,
// exceptions from get() rethrown in the iterating thread, early break and reuse.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <set>
#include <stdexcept>
#include <vector>

#include <ember/data.h>
#include <ember/ember.h>

using namespace ember;
using Catch::Matchers::Contains;

namespace {

/// Example i: data = [i, i] (float32), target = i (int64); throws for index `bad`.
struct Squares : data::datasets::Dataset<Squares> {
  explicit Squares(size_t n, int64_t bad = -1) : n_(n), bad_(bad) {}
  data::Example<> get(size_t index) override {
    if (static_cast<int64_t>(index) == bad_) throw std::out_of_range("Squares: bad index " + std::to_string(index));
    auto i = static_cast<double>(index);
    return {ember::full({2}, i, TensorOptions(kFloat32)), ember::tensor(static_cast<int64_t>(index))};
  }
  std::optional<size_t> size() const override { return n_; }
  size_t n_;
  int64_t bad_;
};

/// The target values of the batches, in order.
template <typename Loader>
std::vector<int64_t> targets_of(Loader& loader) {
  std::vector<int64_t> out;
  for (auto& batch : loader) {
    Tensor t = batch.target.contiguous();
    for (int64_t i = 0; i < t.numel(); ++i) out.push_back(t.data_ptr<int64_t>()[i]);
  }
  return out;
}

std::vector<int64_t> iota(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i;
  return v;
}

}  // namespace

TEST_CASE("data: Example and TensorDataset", "[data]") {
  data::Example<> e(ember::ones({2}), ember::zeros({1}));
  CHECK(e.data.numel() == 2);
  data::TensorExample te(ember::ones({3}));
  CHECK(te.data.numel() == 3);
  data::datasets::TensorDataset ds(ember::arange(12).reshape({4, 3}));
  REQUIRE(ds.size().value() == 4);
  CHECK(ds.get(2).data.equal(ember::tensor(std::vector<int64_t>{6, 7, 8})));
  auto batch = ds.get_batch({0, 3});
  REQUIRE(batch.size() == 2);
  CHECK(batch[1].data.equal(ember::tensor(std::vector<int64_t>{9, 10, 11})));
  CHECK_THROWS_AS(ds.get(4), IndexError);
  data::datasets::TensorDataset stacked(std::vector<Tensor>{ember::ones({2}), ember::zeros({2})});
  CHECK(stacked.tensor.sizes().vec() == std::vector<int64_t>{2, 2});
}

TEST_CASE("data: Stack collates examples into stacked tensors", "[data]") {
  auto ds = Squares(5).map(data::transforms::Stack<>());
  CHECK(ds.size().value() == 5);
  data::Example<> b = ds.get_batch({4, 1, 2});
  CHECK(b.data.sizes().vec() == std::vector<int64_t>{3, 2});
  CHECK(b.target.sizes().vec() == std::vector<int64_t>{3});
  CHECK(b.data.equal(ember::tensor({{4.0f, 4.0f}, {1.0f, 1.0f}, {2.0f, 2.0f}})));
  CHECK(b.target.equal(ember::tensor(std::vector<int64_t>{4, 1, 2})));
  auto tds = data::datasets::TensorDataset(ember::ones({4, 2, 3})).map(data::transforms::Stack<data::TensorExample>());
  CHECK(tds.get_batch({0, 1}).data.sizes().vec() == std::vector<int64_t>{2, 2, 3});
  CHECK_THROWS_WITH(data::transforms::Stack<>().apply_batch({}), Contains("empty batch"));
}

TEST_CASE("data: Normalize, Lambda, TensorLambda, BatchLambda", "[data]") {
  // Per channel: a 2x1x2 image with channel means 1, 2 and stddevs 2, 4.
  Tensor img = ember::tensor({1.0f, 3.0f, 2.0f, 10.0f}).reshape({2, 1, 2});
  data::transforms::Normalize<> norm({1.0, 2.0}, {2.0, 4.0});
  Tensor out = norm(img);
  CHECK(out.allclose(ember::tensor({0.0f, 1.0f, 0.0f, 2.0f}).reshape({2, 1, 2})));
  data::transforms::Normalize<> scalar(0.5, 0.25);
  CHECK(scalar(ember::tensor({1.0f})).allclose(ember::tensor({2.0f})));
  auto ds = Squares(4)
                .map(data::transforms::Normalize<>(1.0, 2.0))
                .map(data::transforms::Lambda<data::Example<>>([](data::Example<> e) {
                  e.target = e.target + 100;
                  return e;
                }))
                .map(data::transforms::TensorLambda<>([](Tensor t) { return t * 2; }))
                .map(data::transforms::Stack<>());
  auto b = ds.get_batch({3});
  CHECK(b.data.allclose(ember::tensor({{2.0f, 2.0f}})));  // ((3 - 1) / 2) * 2
  CHECK(b.target.equal(ember::tensor(std::vector<int64_t>{103})));
  auto summed = Squares(3).map(data::transforms::BatchLambda<std::vector<data::Example<>>, int64_t>(
      [](std::vector<data::Example<>> v) { return static_cast<int64_t>(v.size()); }));
  CHECK(summed.get_batch({0, 1, 2}) == 3);
}

TEST_CASE("data: samplers", "[data]") {
  data::samplers::SequentialSampler seq(5);
  CHECK(seq.next(2).value() == std::vector<size_t>{0, 1});
  CHECK(seq.next(4).value() == std::vector<size_t>{2, 3, 4});
  CHECK_FALSE(seq.next(1).has_value());
  seq.reset(3);
  CHECK(seq.next(10).value() == std::vector<size_t>{0, 1, 2});

  ember::manual_seed(7);
  data::samplers::RandomSampler r1(10);
  ember::manual_seed(7);
  data::samplers::RandomSampler r2(10);
  auto a = r1.next(10).value(), b = r2.next(10).value();
  CHECK(a == b);  // seeded through ember's default generator
  std::vector<size_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == std::vector<size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK_FALSE(r1.next(1).has_value());
  data::samplers::RandomSampler g1(10, Generator(3)), g2(10, Generator(3));
  CHECK(g1.next(10).value() == g2.next(10).value());

  // Distributed: 10 indices over 3 replicas, 4 each (2 repeated); together every index.
  std::multiset<size_t> all;
  for (size_t rank = 0; rank < 3; ++rank) {
    data::samplers::DistributedRandomSampler d(10, 3, rank);
    d.set_epoch(5);
    d.reset();
    auto got = d.next(100).value();
    CHECK(got.size() == 4);
    all.insert(got.begin(), got.end());
    data::samplers::DistributedSequentialSampler s(10, 3, rank, false);
    CHECK(s.next(100).value().size() == 3);
  }
  CHECK(all.size() == 12);
  CHECK(std::set<size_t>(all.begin(), all.end()).size() == 10);
  data::samplers::DistributedSequentialSampler s1(10, 3, 1);
  CHECK(s1.next(100).value() == std::vector<size_t>{4, 5, 6, 7});
  data::samplers::DistributedRandomSampler e0(10, 1, 0), e1(10, 1, 0);
  e1.set_epoch(1);
  e1.reset();
  CHECK(e0.next(10).value() != e1.next(10).value());
  CHECK_THROWS_AS(data::samplers::DistributedRandomSampler(10, 2, 2), ValueError);
}

TEST_CASE("data: make_data_loader in order without workers", "[data]") {
  auto loader = data::make_data_loader<data::samplers::SequentialSampler>(
      Squares(10).map(data::transforms::Stack<>()), data::DataLoaderOptions().batch_size(4));
  CHECK(loader->options().batch_size == 4);
  std::vector<int64_t> sizes;
  for (auto& batch : *loader) sizes.push_back(batch.data.size(0));
  CHECK(sizes == std::vector<int64_t>{4, 4, 2});
  CHECK(targets_of(*loader) == iota(10));  // a second epoch
  auto dropping = data::make_data_loader<data::samplers::SequentialSampler>(
      Squares(10).map(data::transforms::Stack<>()), data::DataLoaderOptions(4).drop_last(true));
  CHECK(targets_of(*dropping) == iota(8));
  // Without Stack a batch is the vector of examples.
  auto plain = data::make_data_loader<data::samplers::SequentialSampler>(Squares(3), 2);
  size_t n = 0;
  for (std::vector<data::Example<>>& batch : *plain) n += batch.size();
  CHECK(n == 3);
}

TEST_CASE("data: shuffling is reproducible with a seed", "[data]") {
  auto run = [](uint64_t seed) {
    ember::manual_seed(seed);
    auto loader = data::make_data_loader(Squares(50).map(data::transforms::Stack<>()), data::DataLoaderOptions(8));
    return targets_of(*loader);
  };
  auto a = run(1), b = run(1), c = run(2);
  CHECK(a == b);
  CHECK(a != c);
  std::sort(c.begin(), c.end());
  CHECK(c == iota(50));
  auto seeded = data::make_data_loader(Squares(20).map(data::transforms::Stack<>()),
                                       data::samplers::RandomSampler(20, Generator(11)), 5);
  auto again = data::make_data_loader(Squares(20).map(data::transforms::Stack<>()),
                                      data::samplers::RandomSampler(20, Generator(11)), 5);
  CHECK(targets_of(*seeded) == targets_of(*again));
}

TEST_CASE("data: workers give the same samples (and order with enforce_ordering)", "[data]") {
  auto make = [](size_t workers, bool ordered) {
    ember::manual_seed(3);
    auto loader = data::make_data_loader(Squares(103).map(data::transforms::Stack<>()),
                                         data::DataLoaderOptions().batch_size(8).workers(workers).enforce_ordering(ordered));
    return targets_of(*loader);
  };
  auto serial = make(0, true);
  CHECK(make(2, true) == serial);
  CHECK(make(3, true) == serial);
  auto unordered = make(2, false);
  std::sort(unordered.begin(), unordered.end());
  CHECK(unordered == iota(103));
  auto opts = data::DataLoaderOptions().batch_size(10).workers(2).max_jobs(1).drop_last(true);
  auto loader = data::make_data_loader<data::samplers::SequentialSampler>(Squares(25).map(data::transforms::Stack<>()), opts);
  CHECK(loader->options().max_jobs == 1);
  CHECK(targets_of(*loader) == iota(20));
  CHECK(targets_of(*loader) == iota(20));  // a second epoch with the same threads
}

TEST_CASE("data: an exception in get() reaches the iterating thread", "[data]") {
  for (size_t workers : {0, 2}) {
    auto loader = data::make_data_loader<data::samplers::SequentialSampler>(
        Squares(20, 13).map(data::transforms::Stack<>()), data::DataLoaderOptions(4).workers(workers));
    std::vector<int64_t> seen;
    auto consume = [&] {
      for (auto& batch : *loader) seen.push_back(batch.target.data_ptr<int64_t>()[0]);
    };
    CHECK_THROWS_WITH(consume(), Contains("bad index 13"));
    CHECK(seen == std::vector<int64_t>{0, 4, 8});
    seen.clear();
    CHECK_THROWS_AS(consume(), std::out_of_range);  // usable again: a new epoch
  }
}

TEST_CASE("data: an early break destroys the loader cleanly", "[data]") {
  for (int round = 0; round < 3; ++round) {
    auto loader = data::make_data_loader<data::samplers::SequentialSampler>(
        Squares(1000).map(data::transforms::Stack<>()), data::DataLoaderOptions(4).workers(3).max_jobs(6));
    int n = 0;
    for (auto& batch : *loader) {
      (void)batch;
      if (++n == 2) break;
    }
    // Breaking and starting over works; the destructor joins the threads.
    int again = 0;
    for (auto& batch : *loader) {
      CHECK(batch.target.data_ptr<int64_t>()[0] == 4 * again);
      if (++again == 3) break;
    }
  }
  auto loader = data::make_data_loader<data::samplers::SequentialSampler>(
      Squares(10).map(data::transforms::Stack<>()), data::DataLoaderOptions(4).workers(2));
  loader->join();
  CHECK_THROWS_WITH(loader->begin(), Contains("after join()"));
}

TEST_CASE("data: loader errors", "[data]") {
  struct Unsized : data::datasets::Dataset<Unsized> {
    data::Example<> get(size_t) override { return {}; }
    std::optional<size_t> size() const override { return std::nullopt; }
  };
  CHECK_THROWS_WITH(data::make_data_loader(Unsized()), Contains("Expected the dataset to be sized"));
  CHECK_THROWS_WITH(data::make_data_loader<data::samplers::SequentialSampler>(Squares(3), data::DataLoaderOptions(0)),
                    Contains("batch_size must be positive"));
  auto end = data::Iterator<int>();
  CHECK_THROWS_WITH(*end, Contains("sentinel"));
}
