// Ops registered at run time, from C++ (EMBER_LIBRARY, libtorch's TORCH_LIBRARY renamed) and from
// Python (ember.library). docs/registry.md.
//
//   EMBER_LIBRARY(myops, m) {
//     m.def("scale(Tensor self, float k=2.0) -> Tensor");          // schema only
//     m.def("fast_gelu(Tensor x) -> Tensor", &fast_gelu);          // schema + one kernel for every device
//   }                                                              //   (CompositeImplicitAutograd)
//   EMBER_LIBRARY_IMPL(myops, CPU, m)      { m.impl("scale", &scale_cpu); }
//   EMBER_LIBRARY_IMPL(myops, Meta, m)     { m.impl("scale", &scale_meta); }      // shape rule
//   EMBER_LIBRARY_IMPL(myops, Autograd, m) { m.impl("scale", &scale_autograd); }
//
// A registered op is an entry of the op registry like a built-in one: find_op("myops::scale"),
// call_boxed, overload resolution, the op observer, ember.ops.myops.scale in Python.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "ember/dispatch/ivalue.h"
#include "ember/dispatch/registry.h"
#include "ember/dispatch/schema.h"

namespace ember {

/// Where a registered kernel applies (libtorch's dispatch keys, the ones ember has).
enum class DispatchKey : uint8_t {
  CPU,
  CUDA,
  Meta,
  Autograd,                    // runs when grad mode is on and an input requires grad
  CompositeExplicitAutograd,   // every device; autograd needs an Autograd kernel ("default" in Python)
  CompositeImplicitAutograd,   // every device and autograd: the ops it calls record the graph
};
EMBER_API const char* dispatch_key_name(DispatchKey k);
/// "CPU", "cpu", "Meta", "meta", "CUDA", "cuda", "Autograd", "CompositeExplicitAutograd", "default",
/// "CompositeImplicitAutograd"; throws ValueError otherwise.
EMBER_API DispatchKey parse_dispatch_key(std::string_view s);

namespace dispatch {

/// A kernel as the registry stores it: a boxed function (pops its arguments off the stack, pushes its
/// results) and, for kernels made from C++ functions, the schema types of its signature (checked
/// against the op's schema at registration).
struct Kernel {
  std::function<void(Stack&)> boxed;
  bool typed = false;
  std::vector<std::string> arg_types;  // "Tensor", "int[]", "float?", ...
  std::vector<std::string> ret_types;
};

namespace boxing {

template <class T>
struct ArgType;
#define EMBER_ARG_TYPE(CT, NAME, UNBOX)                       \
  template <>                                                 \
  struct ArgType<CT> {                                        \
    static constexpr const char* name = NAME;                 \
    static auto unbox(const IValue& v) { return UNBOX; }      \
  };
EMBER_ARG_TYPE(Tensor, "Tensor", unbox_tensor_or_scalar(v))
EMBER_ARG_TYPE(std::optional<Tensor>, "Tensor?", v.toOptionalTensor())
EMBER_ARG_TYPE(std::vector<Tensor>, "Tensor[]", v.toTensorVector())
EMBER_ARG_TYPE(TensorList, "Tensor[]", v.toTensorVector())
EMBER_ARG_TYPE(int64_t, "int", v.toInt())
EMBER_ARG_TYPE(std::optional<int64_t>, "int?", v.toOptionalInt())
EMBER_ARG_TYPE(double, "float", v.toDouble())
EMBER_ARG_TYPE(std::optional<double>, "float?", v.toOptionalDouble())
EMBER_ARG_TYPE(bool, "bool", v.toBool())
EMBER_ARG_TYPE(std::vector<int64_t>, "int[]", v.toIntVector())
EMBER_ARG_TYPE(IntArrayRef, "int[]", v.toIntVector())
EMBER_ARG_TYPE(std::optional<std::vector<int64_t>>, "int[]?", v.toOptionalIntVector())
EMBER_ARG_TYPE(std::vector<double>, "float[]", v.toDoubleVector())
EMBER_ARG_TYPE(std::string, "str", v.toStringRef())
EMBER_ARG_TYPE(std::string_view, "str", v.toStringRef())
EMBER_ARG_TYPE(std::optional<std::string>, "str?", v.toOptionalString())
EMBER_ARG_TYPE(Scalar, "Scalar", v.toScalar())
EMBER_ARG_TYPE(std::optional<Scalar>, "Scalar?", v.toOptionalScalar())
EMBER_ARG_TYPE(ScalarType, "ScalarType", v.toScalarType())
EMBER_ARG_TYPE(std::optional<ScalarType>, "ScalarType?", v.toOptionalScalarType())
EMBER_ARG_TYPE(Device, "Device", v.toDevice())
EMBER_ARG_TYPE(std::optional<Device>, "Device?", v.toOptionalDevice())
EMBER_ARG_TYPE(std::optional<Generator>, "Generator?", v.toOptionalGenerator())
EMBER_ARG_TYPE(IValue, "Any", v)
#undef EMBER_ARG_TYPE

template <class T>
using arg_t = ArgType<std::remove_cv_t<std::remove_reference_t<T>>>;

template <class R>
struct RetTypes {
  static void names(std::vector<std::string>& out) { out.push_back(arg_t<R>::name); }
  static void push(Stack& s, R&& r) { s.emplace_back(std::move(r)); }
};
template <>
struct RetTypes<void> {
  static void names(std::vector<std::string>&) {}
};
template <class... R>
struct RetTypes<std::tuple<R...>> {
  static void names(std::vector<std::string>& out) { (out.push_back(arg_t<R>::name), ...); }
  static void push(Stack& s, std::tuple<R...>&& r) {
    std::apply([&](auto&... x) { (s.emplace_back(std::move(x)), ...); }, r);
  }
};

template <class F>
struct FnTraits : FnTraits<decltype(&F::operator())> {};  // lambdas and functors
template <class R, class... A>
struct FnTraits<R (*)(A...)> {
  using ret = R;
  using args = std::tuple<A...>;
};
template <class R, class... A>
struct FnTraits<R(A...)> : FnTraits<R (*)(A...)> {};
template <class C, class R, class... A>
struct FnTraits<R (C::*)(A...) const> : FnTraits<R (*)(A...)> {};
template <class C, class R, class... A>
struct FnTraits<R (C::*)(A...)> : FnTraits<R (*)(A...)> {};

template <class F, class R, class... A, size_t... I>
Kernel make_kernel_impl(F f, std::tuple<A...>*, std::index_sequence<I...>) {
  Kernel k;
  k.typed = true;
  (k.arg_types.push_back(arg_t<A>::name), ...);
  RetTypes<std::remove_cv_t<std::remove_reference_t<R>>>::names(k.ret_types);
  k.boxed = [f](Stack& s) {
    constexpr size_t n = sizeof...(A);
    check_stack(s, n, "registered kernel");
    IValue* a = s.data() + (s.size() - n);
    (void)a;
    auto vals = std::make_tuple(arg_t<A>::unbox(a[I])...);
    if constexpr (std::is_void_v<R>) {
      std::apply(f, vals);
      s.resize(s.size() - n);
    } else {
      using RD = std::remove_cv_t<std::remove_reference_t<R>>;
      RD r = std::apply(f, vals);
      s.resize(s.size() - n);
      RetTypes<RD>::push(s, std::move(r));
    }
  };
  return k;
}

}  // namespace boxing

/// A registry kernel from a C++ function, function pointer or lambda whose parameters are schema
/// types (Tensor / const Tensor&, int64_t, double, bool, std::vector<int64_t> or IntArrayRef,
/// std::optional<...>, Scalar, std::string, ScalarType, Device, std::vector<Tensor>).
template <class F>
Kernel make_kernel(F f) {
  using T = boxing::FnTraits<std::decay_t<F>>;
  using Args = typename T::args;
  return boxing::make_kernel_impl<std::decay_t<F>, typename T::ret>(
      f, static_cast<Args*>(nullptr), std::make_index_sequence<std::tuple_size_v<Args>>{});
}

/// Defines an op (schema text with or without "ns::"; the namespace must be ns). Throws Error when the
/// name is taken or the schema is malformed. A composite kernel is CompositeImplicitAutograd.
/// nondeterministic marks a random op without a Generator argument (PyTorch's nondeterministic_seeded tag).
EMBER_API const OpInfo& def_op(std::string_view ns, std::string_view schema, std::optional<Kernel> composite = {},
                               std::string_view where = {}, bool nondeterministic = false);
/// Registers op's kernel for key (name with or without "ns::" and ".overload"); impl before def is
/// allowed and checked when the def arrives. Throws on a duplicate kernel or a signature that does not
/// match the schema.
EMBER_API void impl_op(std::string_view ns, std::string_view name, DispatchKey key, Kernel kernel,
                       std::string_view where = {});
/// Whether a registered op (qualified name) has a kernel for key.
EMBER_API bool has_kernel(std::string_view qualified, DispatchKey key);
/// The parsed schema of any registry entry (built-in or registered).
EMBER_API const FunctionSchema& schema_of(const OpInfo& op);
/// Whether the entry's op is nondeterministic (random ops: seeded by a Generator).
EMBER_API bool is_nondeterministic(const OpInfo& op);
/// Every registered (non-built-in) entry, in registration order.
EMBER_API std::vector<const OpInfo*> registered_ops();
/// Loads a shared library whose static initializers register ops (EMBER_LIBRARY); throws Error with
/// the loader's message when it cannot be loaded. Loading the same path twice is a no-op.
EMBER_API void load_library(const std::string& path);
/// Runs the kernel of a registered entry for the stack's arguments (as call_boxed).
EMBER_API void call_registered(const OpInfo& op, Stack& stack);

using ember::call_boxed;
using ember::find_op;
using ember::find_overloads;
using ember::resolve_overload;

}  // namespace dispatch

/// The object an EMBER_LIBRARY block receives: def() and impl() for one namespace.
class EMBER_API Library {
 public:
  enum Kind { DEF, IMPL, FRAGMENT };
  Library(Kind kind, std::string ns, std::optional<DispatchKey> key, const char* file, int line);

  Library& def(std::string_view schema);
  template <class F>
  Library& def(std::string_view schema, F&& fn) {
    check_kind_def();
    dispatch::def_op(ns_, schema, dispatch::make_kernel(std::forward<F>(fn)), where_);
    return *this;
  }
  template <class F>
  Library& impl(std::string_view name, F&& fn) {
    return impl_kernel(name, dispatch::make_kernel(std::forward<F>(fn)));
  }
  /// A boxed kernel (e.g. one calling into Python) for this library's key.
  Library& impl_kernel(std::string_view name, dispatch::Kernel kernel);
  const std::string& ns() const { return ns_; }

 private:
  void check_kind_def() const;
  Kind kind_;
  std::string ns_;
  std::optional<DispatchKey> key_;
  std::string where_;
};

namespace detail {
struct LibraryInit {
  LibraryInit(Library::Kind kind, void (*fn)(Library&), const char* ns, std::optional<DispatchKey> key,
              const char* file, int line)
      : lib(kind, ns, key, file, line) {
    fn(lib);
  }
  Library lib;
};
}  // namespace detail

}  // namespace ember

#define EMBER_LIBRARY(ns, m)                                                                            \
  static void EMBER_LIBRARY_init_##ns(::ember::Library&);                                               \
  static const ::ember::detail::LibraryInit EMBER_LIBRARY_static_init_##ns(                             \
      ::ember::Library::DEF, &EMBER_LIBRARY_init_##ns, #ns, std::nullopt, __FILE__, __LINE__);          \
  void EMBER_LIBRARY_init_##ns(::ember::Library& m)

#define EMBER_LIBRARY_FRAGMENT(ns, m) EMBER_LIBRARY_FRAGMENT_UID(ns, m, __COUNTER__)
#define EMBER_LIBRARY_FRAGMENT_UID(ns, m, uid) EMBER_LIBRARY_FRAGMENT_UID2(ns, m, uid)
#define EMBER_LIBRARY_FRAGMENT_UID2(ns, m, uid)                                                         \
  static void EMBER_LIBRARY_frag_init_##ns##_##uid(::ember::Library&);                                  \
  static const ::ember::detail::LibraryInit EMBER_LIBRARY_frag_static_init_##ns##_##uid(                \
      ::ember::Library::FRAGMENT, &EMBER_LIBRARY_frag_init_##ns##_##uid, #ns, std::nullopt, __FILE__,   \
      __LINE__);                                                                                        \
  void EMBER_LIBRARY_frag_init_##ns##_##uid(::ember::Library& m)

#define EMBER_LIBRARY_IMPL(ns, k, m)                                                                    \
  static void EMBER_LIBRARY_IMPL_init_##ns##_##k(::ember::Library&);                                   \
  static const ::ember::detail::LibraryInit EMBER_LIBRARY_IMPL_static_init_##ns##_##k(                  \
      ::ember::Library::IMPL, &EMBER_LIBRARY_IMPL_init_##ns##_##k, #ns, ::ember::DispatchKey::k,        \
      __FILE__, __LINE__);                                                                              \
  void EMBER_LIBRARY_IMPL_init_##ns##_##k(::ember::Library& m)
