// ember::OrderedDict: libtorch's torch::OrderedDict, a dict that keeps insertion order. The nn
// frontend returns it from named_parameters / named_buffers / named_modules / named_children.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ember/util/error.h"

namespace ember {

/// An insertion-ordered dict: iteration yields Items (`.key()`, `.value()`); lookup by key is O(1).
template <class Key, class Value>
class OrderedDict {
 public:
  /// One entry: a key and its value.
  class Item {
   public:
    Item(Key key, Value value) : pair_(std::move(key), std::move(value)) {}
    const Key& key() const noexcept { return pair_.first; }
    Value& value() noexcept { return pair_.second; }
    const Value& value() const noexcept { return pair_.second; }
    Value& operator*() noexcept { return value(); }
    const Value& operator*() const noexcept { return value(); }
    Value* operator->() noexcept { return &value(); }
    const Value* operator->() const noexcept { return &value(); }
    const std::pair<Key, Value>& pair() const noexcept { return pair_; }

   private:
    std::pair<Key, Value> pair_;
  };
  using Iterator = typename std::vector<Item>::iterator;
  using ConstIterator = typename std::vector<Item>::const_iterator;

  /// An empty dict; key_description names keys in errors ("Key 'w' already defined").
  explicit OrderedDict(std::string key_description = "Key") : key_description_(std::move(key_description)) {}
  /// A dict of the given (key, value) pairs, in order.
  OrderedDict(std::initializer_list<Item> items) : OrderedDict("Key") {
    for (const auto& item : items) insert(item.key(), item.value());
  }

  const std::string& key_description() const noexcept { return key_description_; }
  Item& front() { check_nonempty("front"); return items_.front(); }
  const Item& front() const { check_nonempty("front"); return items_.front(); }
  Item& back() { check_nonempty("back"); return items_.back(); }
  const Item& back() const { check_nonempty("back"); return items_.back(); }

  /// The index-th item (insertion order).
  Item& operator[](size_t index) { check_index(index); return items_[index]; }
  const Item& operator[](size_t index) const { check_index(index); return items_[index]; }
  /// The value under key; throws when absent.
  Value& operator[](const Key& key) {
    if (Value* v = find(key)) return *v;
    throw IndexError(detail::str(key_description_, " '", key, "' is not defined"));
  }
  const Value& operator[](const Key& key) const { return const_cast<OrderedDict&>(*this)[key]; }

  /// The value under key, or nullptr.
  Value* find(const Key& key) noexcept {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].value();
  }
  const Value* find(const Key& key) const noexcept { return const_cast<OrderedDict*>(this)->find(key); }
  bool contains(const Key& key) const noexcept { return index_.count(key) != 0; }

  Iterator begin() { return items_.begin(); }
  ConstIterator begin() const { return items_.begin(); }
  Iterator end() { return items_.end(); }
  ConstIterator end() const { return items_.end(); }
  size_t size() const noexcept { return items_.size(); }
  bool is_empty() const noexcept { return items_.empty(); }
  void reserve(size_t n) { items_.reserve(n); index_.reserve(n); }

  /// Inserts a new key; throws when it is already present.
  template <class K, class V>
  Value& insert(K&& key, V&& value) {
    Key k(std::forward<K>(key));
    EMBER_CHECK(index_.count(k) == 0, key_description_, " '", k, "' already defined");
    index_.emplace(k, items_.size());
    items_.emplace_back(std::move(k), Value(std::forward<V>(value)));
    return items_.back().value();
  }
  /// Inserts key or, when present, replaces its value (keeping its position).
  template <class K, class V>
  Value& insert_or_assign(K&& key, V&& value) {
    Key k(std::forward<K>(key));
    if (Value* v = find(k)) return *v = Value(std::forward<V>(value));
    return insert(std::move(k), std::forward<V>(value));
  }
  /// insert_or_assign of every item of other, in its order.
  void update(const OrderedDict& other) {
    for (const auto& item : other) insert_or_assign(item.key(), item.value());
  }
  /// Removes key (the later items move up); throws when absent.
  void erase(const Key& key) {
    auto it = index_.find(key);
    EMBER_CHECK_INDEX(it != index_.end(), key_description_, " '", key, "' is not defined");
    size_t pos = it->second;
    index_.erase(it);
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(pos));
    for (size_t i = pos; i < items_.size(); ++i) index_[items_[i].key()] = i;
  }
  void clear() { items_.clear(); index_.clear(); }

  const std::vector<Item>& items() const noexcept { return items_; }
  /// The keys, in order.
  std::vector<Key> keys() const {
    std::vector<Key> out;
    out.reserve(items_.size());
    for (const auto& item : items_) out.push_back(item.key());
    return out;
  }
  /// The values, in order.
  std::vector<Value> values() const {
    std::vector<Value> out;
    out.reserve(items_.size());
    for (const auto& item : items_) out.push_back(item.value());
    return out;
  }
  /// (key, value) pairs, in order.
  std::vector<std::pair<Key, Value>> pairs() const {
    std::vector<std::pair<Key, Value>> out;
    out.reserve(items_.size());
    for (const auto& item : items_) out.push_back(item.pair());
    return out;
  }

 private:
  void check_nonempty(const char* what) const {
    EMBER_CHECK_INDEX(!items_.empty(), "OrderedDict::", what, "() called on an empty OrderedDict");
  }
  void check_index(size_t index) const {
    EMBER_CHECK_INDEX(index < items_.size(), "OrderedDict: index ", index, " is out of range for a dict of size ",
                      items_.size());
  }
  std::vector<Item> items_;
  std::unordered_map<Key, size_t> index_;
  std::string key_description_;
};

}  // namespace ember
