// Linear-algebra ops built from matmul, views and sums (composite: autograd comes from the ops they
// call). Shape checks give PyTorch's messages.
#include <algorithm>
#include <cctype>
#include <map>
#include <string>

#include "ember/gen/native.h"

namespace ember::native {

static void check_dim(const char* op, const char* what, const Tensor& t, int64_t want) {
  t.check_defined(op);
  EMBER_CHECK(t.dim() == want, op, ": ", what, " must be a ", want, "-D tensor, got ", t.dim(), "-D (shape ",
              t.sizes(), ")");
}

Tensor mm(const Tensor& self, const Tensor& mat2) {
  check_dim("mm", "self", self, 2);
  check_dim("mm", "mat2", mat2, 2);
  return ember::matmul(self, mat2);
}

Tensor mv(const Tensor& self, const Tensor& vec) {
  check_dim("mv", "self", self, 2);
  check_dim("mv", "vec", vec, 1);
  return ember::matmul(self, vec);
}

Tensor bmm(const Tensor& self, const Tensor& mat2) {
  check_dim("bmm", "batch1", self, 3);
  check_dim("bmm", "batch2", mat2, 3);
  EMBER_CHECK(self.sizes()[0] == mat2.sizes()[0], "bmm: batch1 and batch2 must have the same batch size, got ",
              self.sizes()[0], " and ", mat2.sizes()[0]);
  return ember::matmul(self, mat2);
}

Tensor dot(const Tensor& self, const Tensor& tensor) {
  self.check_defined("dot");
  tensor.check_defined("dot");
  EMBER_CHECK(self.dim() == 1 && tensor.dim() == 1, "1D tensors expected, but got ", self.dim(), "D and ",
              tensor.dim(), "D tensors");
  EMBER_CHECK(self.numel() == tensor.numel(), "inconsistent tensor size, expected tensor [", self.numel(),
              "] and src [", tensor.numel(), "] to have the same number of elements, but got ", self.numel(),
              " and ", tensor.numel(), " elements respectively");
  return ember::matmul(self, tensor);
}

Tensor outer(const Tensor& self, const Tensor& vec2) {
  check_dim("outer", "self", self, 1);
  check_dim("outer", "vec2", vec2, 1);
  return self.reshape({self.numel(), 1}) * vec2;
}

static Tensor scaled_sum(const Tensor& self, const Tensor& prod, Scalar beta, Scalar alpha) {
  if (!is_floating_point(prod.dtype())) {  // integer products keep their dtype: the factors are truncated, as PyTorch
    alpha = Scalar(alpha.to_long());
    beta = Scalar(beta.to_long());
  }
  Tensor p;
  if (alpha.to_double() == 0.0) {
    // The product is not used at all (inf/NaN in it must not leak through 0 * inf), as in PyTorch; a
    // select of zeros keeps the mats in the graph, with zero gradients.
    p = ember::where(ember::zeros({}, TensorOptions(kBool)), prod, ember::zeros({}, prod.options()));
  } else {
    p = alpha.to_double() == 1.0 ? prod : prod * alpha;
  }
  if (beta.to_double() == 0.0) return p;  // self is ignored (even nan/inf), as in PyTorch
  Tensor s = beta.to_double() == 1.0 ? self : self * beta;
  return s + p;
}

Tensor addmm(const Tensor& self, const Tensor& mat1, const Tensor& mat2, const Scalar& beta, const Scalar& alpha) {
  Tensor p = ember::mm(mat1, mat2);
  self.check_defined("addmm");
  return scaled_sum(self.expand(p.sizes()), p, beta, alpha);
}

Tensor baddbmm(const Tensor& self, const Tensor& batch1, const Tensor& batch2, const Scalar& beta,
               const Scalar& alpha) {
  Tensor p = ember::bmm(batch1, batch2);
  self.check_defined("baddbmm");
  return scaled_sum(self.expand(p.sizes()), p, beta, alpha);
}

Tensor tensordot_int(const Tensor& self, const Tensor& other, int64_t dims) {
  self.check_defined("tensordot");
  other.check_defined("tensordot");
  EMBER_CHECK(dims >= 0, "tensordot expects dims >= 0, but got dims=", dims);
  EMBER_CHECK(dims <= self.dim() && dims <= other.dim(), "tensordot expects dims < ndim_a or ndim_b, but got dims=",
              dims);
  DimVector da, db;
  for (int64_t i = 0; i < dims; ++i) {
    da.push_back(self.dim() - dims + i);
    db.push_back(i);
  }
  return ember::tensordot(self, other, da, db);
}

Tensor tensordot(const Tensor& self, const Tensor& other, IntArrayRef dims_a, IntArrayRef dims_b) {
  self.check_defined("tensordot");
  other.check_defined("tensordot");
  EMBER_CHECK(dims_a.size() == dims_b.size(), "both dimension lists should have same length");
  auto wrap = [](int64_t d, int64_t n) {
    EMBER_CHECK_INDEX(d >= -std::max<int64_t>(n, 1) && d < std::max<int64_t>(n, 1),
                      "tensordot: dimension out of range (got ", d, " for a ", n, "-D tensor)");
    return d < 0 ? d + n : d;
  };
  std::vector<bool> ca(self.dim(), false), cb(other.dim(), false);
  DimVector pa, pb;
  int64_t k = 1;
  for (size_t i = 0; i < dims_a.size(); ++i) {
    int64_t a = wrap(dims_a[i], self.dim()), b = wrap(dims_b[i], other.dim());
    EMBER_CHECK(self.sizes()[a] == other.sizes()[b], "contracted dimensions need to match, but first has size ",
                self.sizes()[a], " in dim ", a, " and second has size ", other.sizes()[b], " in dim ", b);
    ca[a] = cb[b] = true;
    k *= self.sizes()[a];
  }
  DimVector out_shape, free_a, free_b;
  int64_t m = 1, n = 1;
  for (int64_t d = 0; d < self.dim(); ++d)
    if (!ca[d]) {
      free_a.push_back(d);
      out_shape.push_back(self.sizes()[d]);
      m *= self.sizes()[d];
    }
  for (int64_t d = 0; d < other.dim(); ++d)
    if (!cb[d]) {
      free_b.push_back(d);
      out_shape.push_back(other.sizes()[d]);
      n *= other.sizes()[d];
    }
  for (int64_t d : free_a) pa.push_back(d);
  for (size_t i = 0; i < dims_a.size(); ++i) pa.push_back(wrap(dims_a[i], self.dim()));
  for (size_t i = 0; i < dims_b.size(); ++i) pb.push_back(wrap(dims_b[i], other.dim()));
  for (int64_t d : free_b) pb.push_back(d);
  Tensor a2 = self.permute(pa).reshape({m, k});
  Tensor b2 = other.permute(pb).reshape({k, n});
  return ember::matmul(a2, b2).reshape(out_shape);
}

// ---- einsum ------------------------------------------------------------------------------------
namespace {
struct Term {
  std::string labels;  // one char per dim; '.' stands for each ellipsis dim (expanded below)
};

std::vector<std::string> split_inputs(const std::string& lhs) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : lhs) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

/// Expands "..." into as many fresh labels (uppercase, from 'Z' down) as the operand needs.
std::string expand_ellipsis(const std::string& term, int64_t ndim, int64_t* ell_dims, std::string* ell_labels) {
  auto pos = term.find("...");
  if (pos == std::string::npos) {
    EMBER_CHECK(static_cast<int64_t>(term.size()) == ndim, "einsum(): the number of subscripts in the equation (",
                term.size(), ") does not match the number of dimensions (", ndim, ") for operand");
    return term;
  }
  int64_t explicit_dims = static_cast<int64_t>(term.size()) - 3;
  int64_t n = ndim - explicit_dims;
  EMBER_CHECK(n >= 0, "einsum(): the number of subscripts in the equation (", explicit_dims,
              ") is more than the number of dimensions (", ndim, ") for operand");
  if (n > *ell_dims) {
    *ell_dims = n;
    ell_labels->clear();
    for (int64_t i = 0; i < n; ++i) ell_labels->push_back(static_cast<char>('Z' - (n - 1 - i)));
  }
  std::string labels = ell_labels->substr(ell_labels->size() - static_cast<size_t>(n));
  return term.substr(0, pos) + labels + term.substr(pos + 3);
}

/// Sums away the labels of t that appear nowhere in keep; returns the remaining labels in order.
Tensor sum_labels(const Tensor& t, std::string& labels, const std::string& keep) {
  DimVector dims;
  std::string rest;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (keep.find(labels[i]) == std::string::npos) dims.push_back(static_cast<int64_t>(i));
    else rest += labels[i];
  }
  labels = rest;
  if (dims.empty()) return t;
  return t.sum(IntArrayRef(dims), false);
}

/// Contracts two labelled operands over the labels not in keep: batch (shared, kept), contracted
/// (shared, not kept), and each side's own labels; via permute + reshape + matmul.
Tensor contract(const Tensor& a, const std::string& la, const Tensor& b, const std::string& lb,
                const std::string& keep, std::string* out_labels, std::map<char, int64_t>& size) {
  std::string batch, con, own_a, own_b;
  for (char c : la) {
    bool in_b = lb.find(c) != std::string::npos, kept = keep.find(c) != std::string::npos;
    if (in_b && kept) batch += c;
    else if (in_b) con += c;
    else own_a += c;
  }
  for (char c : lb)
    if (la.find(c) == std::string::npos) own_b += c;
  auto perm_of = [](const std::string& labels, const std::string& order) {
    DimVector p;
    for (char c : order) p.push_back(static_cast<int64_t>(labels.find(c)));
    return p;
  };
  auto prod = [&](const std::string& s) {
    int64_t n = 1;
    for (char c : s) n *= size[c];
    return n;
  };
  int64_t B = prod(batch), M = prod(own_a), K = prod(con), N = prod(own_b);
  Tensor a3 = a.permute(perm_of(la, batch + own_a + con)).reshape({B, M, K});
  Tensor b3 = b.permute(perm_of(lb, batch + con + own_b)).reshape({B, K, N});
  Tensor r = ember::matmul(a3, b3);
  *out_labels = batch + own_a + own_b;
  DimVector shape;
  for (char c : *out_labels) shape.push_back(size[c]);
  return r.reshape(shape);
}
}  // namespace

Tensor einsum(const std::string& equation, TensorList tensors) {
  EMBER_CHECK(!tensors.empty(), "einsum(): must provide at least one operand");
  std::string eq;
  for (char c : equation)
    if (c != ' ') eq += c;
  auto arrow = eq.find("->");
  std::string lhs = arrow == std::string::npos ? eq : eq.substr(0, arrow);
  std::vector<std::string> terms = split_inputs(lhs);
  EMBER_CHECK(terms.size() == tensors.size(), "einsum(): more operands were provided than specified in the equation"
              " (", tensors.size(), " operands for ", terms.size(), " subscripts)");
  int64_t ell_dims = 0;
  std::string ell_labels;
  std::map<char, int64_t> size;
  std::map<char, int> count;
  std::vector<std::string> labels(terms.size());
  for (size_t i = 0; i < terms.size(); ++i) {
    tensors[i].check_defined("einsum");
    labels[i] = expand_ellipsis(terms[i], tensors[i].dim(), &ell_dims, &ell_labels);
    for (size_t d = 0; d < labels[i].size(); ++d) {
      char c = labels[i][d];
      EMBER_CHECK(std::isalpha(static_cast<unsigned char>(c)), "einsum(): invalid subscript given at index ", d,
                  " in the equation string, subscripts must be in [a-zA-Z]");
      int64_t s = tensors[i].sizes()[d];
      auto it = size.find(c);
      if (it == size.end() || it->second == 1) size[c] = s;
      else EMBER_CHECK(s == it->second || s == 1, "einsum(): operands do not broadcast with remapped shapes "
                       "(subscript '", c, "' has sizes ", it->second, " and ", s, ")");
      count[c] += 1;  // numpy's implicit output keeps the labels seen exactly once (so "ii" is a trace)
    }
  }
  std::string out;
  if (arrow != std::string::npos) {
    std::string rhs = eq.substr(arrow + 2);
    auto pos = rhs.find("...");
    if (pos != std::string::npos) rhs = rhs.substr(0, pos) + ell_labels + rhs.substr(pos + 3);
    for (char c : rhs)
      EMBER_CHECK(size.count(c), "einsum(): output subscript ", c, " does not appear in the equation for any input "
                  "operand");
    out = rhs;
  } else {
    out = ell_labels;  // numpy's implicit output: the ellipsis dims, then labels seen once, sorted
    std::string once;
    for (auto& [c, n] : count)
      if (n == 1 && ell_labels.find(c) == std::string::npos) once += c;
    std::sort(once.begin(), once.end());
    out += once;
  }
  // A label repeated within one operand selects the diagonal of those dims ("ii->i", "bii->bi").
  std::vector<Tensor> diag(tensors.begin(), tensors.end());
  for (size_t i = 0; i < diag.size(); ++i) {
    for (;;) {
      std::string& l = labels[i];
      size_t a = std::string::npos, b = std::string::npos;
      for (size_t x = 0; x < l.size() && a == std::string::npos; ++x) {
        size_t y = l.find(l[x], x + 1);
        if (y != std::string::npos) a = x, b = y;
      }
      if (a == std::string::npos) break;
      EMBER_CHECK(diag[i].sizes()[a] == diag[i].sizes()[b], "einsum(): subscript ", l[a],
                  " is repeated for operand ", i, " but the sizes don't match, ", diag[i].sizes()[a], " != ",
                  diag[i].sizes()[b]);
      // diagonal() removes dims a and b and appends the diagonal as the last dim.
      diag[i] = diag[i].diagonal(0, static_cast<int64_t>(a), static_cast<int64_t>(b));
      char c = l[a];
      l.erase(b, 1);
      l.erase(a, 1);
      l.push_back(c);
    }
  }
  // Size-1 dims that broadcast: expand each operand to the common sizes.
  std::vector<Tensor> ops;
  for (size_t i = 0; i < diag.size(); ++i) {
    DimVector s;
    for (char c : labels[i]) s.push_back(size[c]);
    ops.push_back(diag[i].sizes().equals(s) ? diag[i] : diag[i].expand(s));
  }
  // Left to right: sum labels needed nowhere later, then contract pairwise.
  auto needed_after = [&](size_t i) {
    std::string keep = out;
    for (size_t j = i; j < labels.size(); ++j) keep += labels[j];
    return keep;
  };
  std::string cur_labels = labels[0];
  Tensor cur = sum_labels(ops[0], cur_labels, needed_after(1));
  for (size_t i = 1; i < ops.size(); ++i) {
    std::string li = labels[i];
    Tensor ti = sum_labels(ops[i], li, needed_after(i + 1) + cur_labels);
    std::string keep = needed_after(i + 1);
    std::string nl;
    cur = contract(cur, cur_labels, ti, li, keep, &nl, size);
    cur_labels = nl;
  }
  cur = sum_labels(cur, cur_labels, out);
  DimVector perm;
  for (char c : out) perm.push_back(static_cast<int64_t>(cur_labels.find(c)));
  return perm.empty() ? cur : cur.permute(perm);
}

}  // namespace ember::native
