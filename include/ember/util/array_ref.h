// Non-owning views of contiguous arrays (IntArrayRef for shapes), and DimVector, a small vector
// that keeps up to 6 dims inline so that shapes of ordinary tensors never touch the heap.
#pragma once
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <vector>

namespace ember {

/// A non-owning (pointer, length) view; cheap to copy, valid while its source lives.
template <class T>
class ArrayRef {
 public:
  constexpr ArrayRef() = default;
  constexpr ArrayRef(const T* data, size_t size) : data_(data), size_(size) {}
  ArrayRef(const T& one) : data_(&one), size_(1) {}  // NOLINT: implicit, as in libtorch
  ArrayRef(const std::vector<T>& v) : data_(v.data()), size_(v.size()) {}  // NOLINT
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"  // the list outlives the call it is an argument of
#endif
  constexpr ArrayRef(std::initializer_list<T> l)  // NOLINT
      : data_(l.begin() == l.end() ? nullptr : l.begin()), size_(l.size()) {}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T& operator[](size_t i) const { return data_[i]; }
  const T& back() const { return data_[size_ - 1]; }
  std::vector<T> vec() const { return std::vector<T>(begin(), end()); }
  bool equals(ArrayRef o) const {
    if (size_ != o.size_) return false;
    for (size_t i = 0; i < size_; ++i)
      if (!(data_[i] == o.data_[i])) return false;
    return true;
  }

 private:
  const T* data_ = nullptr;
  size_t size_ = 0;
};

using IntArrayRef = ArrayRef<int64_t>;

// Element-wise comparison, as libtorch's (`t.sizes() == std::vector<int64_t>{2, 3}`).
template <class T>
bool operator==(ArrayRef<T> a, ArrayRef<T> b) { return a.equals(b); }
template <class T>
bool operator!=(ArrayRef<T> a, ArrayRef<T> b) { return !a.equals(b); }
template <class T>
bool operator==(ArrayRef<T> a, const std::vector<T>& b) { return a.equals(b); }
template <class T>
bool operator!=(ArrayRef<T> a, const std::vector<T>& b) { return !a.equals(b); }
template <class T>
bool operator==(const std::vector<T>& a, ArrayRef<T> b) { return b.equals(a); }
template <class T>
bool operator!=(const std::vector<T>& a, ArrayRef<T> b) { return !b.equals(a); }

inline std::ostream& operator<<(std::ostream& os, IntArrayRef a) {
  os << '[';
  for (size_t i = 0; i < a.size(); ++i) os << (i ? ", " : "") << a[i];
  return os << ']';
}

/// Small vector of int64_t with 6 inline slots; grows onto the heap beyond that.
class DimVector {
 public:
  static constexpr size_t kInline = 6;
  DimVector() = default;
  explicit DimVector(size_t n, int64_t v = 0) { assign(n, v); }
  DimVector(IntArrayRef a) { assign(a); }  // NOLINT: implicit
  DimVector(std::initializer_list<int64_t> l) { assign(IntArrayRef(l.begin(), l.size())); }
  DimVector(const DimVector& o) { assign(IntArrayRef(o)); }
  DimVector& operator=(const DimVector& o) {
    if (this != &o) assign(IntArrayRef(o));
    return *this;
  }
  DimVector(DimVector&& o) noexcept { take(o); }
  DimVector& operator=(DimVector&& o) noexcept {
    if (this != &o) {
      release();
      take(o);
    }
    return *this;
  }
  ~DimVector() { release(); }

  operator IntArrayRef() const { return IntArrayRef(data_, size_); }  // NOLINT
  IntArrayRef ref() const { return IntArrayRef(data_, size_); }
  int64_t* data() { return data_; }
  const int64_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t& operator[](size_t i) { return data_[i]; }
  int64_t operator[](size_t i) const { return data_[i]; }
  int64_t* begin() { return data_; }
  int64_t* end() { return data_ + size_; }
  const int64_t* begin() const { return data_; }
  const int64_t* end() const { return data_ + size_; }
  int64_t& back() { return data_[size_ - 1]; }
  void clear() { size_ = 0; }
  void push_back(int64_t v) {
    reserve(size_ + 1);
    data_[size_++] = v;
  }
  void insert(size_t pos, int64_t v) {
    reserve(size_ + 1);
    std::memmove(data_ + pos + 1, data_ + pos, (size_ - pos) * sizeof(int64_t));
    data_[pos] = v;
    ++size_;
  }
  void erase(size_t pos) {
    std::memmove(data_ + pos, data_ + pos + 1, (size_ - pos - 1) * sizeof(int64_t));
    --size_;
  }
  void resize(size_t n, int64_t v = 0) {
    reserve(n);
    for (size_t i = size_; i < n; ++i) data_[i] = v;
    size_ = n;
  }
  void assign(size_t n, int64_t v) {
    size_ = 0;
    resize(n, v);
  }
  void assign(IntArrayRef a) {
    reserve(a.size());
    if (a.size() <= kInline) {
      copy_small(data_, a.data(), a.size());
    } else {
      std::memmove(data_, a.data(), a.size() * sizeof(int64_t));
    }
    size_ = a.size();
  }
  void reserve(size_t n) {
    if (n <= cap_) return;
    size_t cap = cap_ * 2 > n ? cap_ * 2 : n;
    auto* p = new int64_t[cap];
    if (size_) std::memcpy(p, data_, size_ * sizeof(int64_t));
    release();
    data_ = p;
    cap_ = cap;
  }
  bool operator==(const DimVector& o) const { return ref().equals(o.ref()); }
  bool operator!=(const DimVector& o) const { return !(*this == o); }

 private:
  void release() {
    if (data_ != inline_) delete[] data_;
    data_ = inline_;
    cap_ = kInline;
  }
  // Shapes are short: straight-line copies instead of a call to memmove (which a loop would become).
  static void copy_small(int64_t* d, const int64_t* s, size_t n) {
    if (d == s) return;
    int64_t t[kInline];
    switch (n) {  // read everything first: d and s may overlap (self-assignment through a view)
      case 6: t[5] = s[5]; [[fallthrough]];
      case 5: t[4] = s[4]; [[fallthrough]];
      case 4: t[3] = s[3]; [[fallthrough]];
      case 3: t[2] = s[2]; [[fallthrough]];
      case 2: t[1] = s[1]; [[fallthrough]];
      case 1: t[0] = s[0]; [[fallthrough]];
      default: break;
    }
    switch (n) {
      case 6: d[5] = t[5]; [[fallthrough]];
      case 5: d[4] = t[4]; [[fallthrough]];
      case 4: d[3] = t[3]; [[fallthrough]];
      case 3: d[2] = t[2]; [[fallthrough]];
      case 2: d[1] = t[1]; [[fallthrough]];
      case 1: d[0] = t[0]; [[fallthrough]];
      default: break;
    }
  }
  void take(DimVector& o) {
    if (o.data_ == o.inline_) {
      copy_small(inline_, o.inline_, o.size_);
      data_ = inline_;
      cap_ = kInline;
    } else {
      data_ = o.data_;
      cap_ = o.cap_;
      o.data_ = o.inline_;
      o.cap_ = kInline;
    }
    size_ = o.size_;
    o.size_ = 0;
  }
  int64_t inline_[kInline];
  int64_t* data_ = inline_;
  size_t size_ = 0;
  size_t cap_ = kInline;
};

inline std::ostream& operator<<(std::ostream& os, const DimVector& v) { return os << v.ref(); }

/// An optional list of dims that OWNS its values, so an int or a braced list passed for an `int[]?`
/// argument (`t.sum(1)`, `t.sum({0, 1})`) cannot dangle; converts to std::optional<IntArrayRef>.
class OptionalIntArrayRef {
 public:
  OptionalIntArrayRef() = default;
  OptionalIntArrayRef(std::nullopt_t) {}  // NOLINT: implicit by design
  OptionalIntArrayRef(int64_t d) : has_(true) { v_.push_back(d); }  // NOLINT
  OptionalIntArrayRef(std::initializer_list<int64_t> l) : v_(IntArrayRef(l.begin(), l.size())), has_(true) {}
  OptionalIntArrayRef(IntArrayRef a) : v_(a), has_(true) {}  // NOLINT
  OptionalIntArrayRef(const DimVector& a) : v_(a), has_(true) {}  // NOLINT
  OptionalIntArrayRef(const std::vector<int64_t>& a) : v_(IntArrayRef(a)), has_(true) {}  // NOLINT
  OptionalIntArrayRef(const std::optional<IntArrayRef>& o) : has_(o.has_value()) {  // NOLINT
    if (o) v_.assign(*o);
  }
  bool has_value() const { return has_; }
  explicit operator bool() const { return has_; }
  IntArrayRef operator*() const { return v_.ref(); }
  IntArrayRef value() const { return v_.ref(); }
  const DimVector* operator->() const { return &v_; }
  operator std::optional<IntArrayRef>() const {  // NOLINT
    if (!has_) return std::nullopt;
    return v_.ref();
  }

 private:
  DimVector v_;
  bool has_ = false;
};

}  // namespace ember
