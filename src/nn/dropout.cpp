// Dropout, Dropout1d, Dropout2d: forward is the functional form with the module's training flag.
#include "ember/nn/modules/dropout.h"

#include <ostream>

#include "ember/nn/functional.h"
#include "nn/repr.h"

namespace ember::nn {
namespace F = functional;
using detail::py_bool;
using detail::py_float;

namespace {
void check_p(double p) {
  EMBER_CHECK_VALUE(p >= 0.0 && p <= 1.0, "dropout probability has to be between 0 and 1, but got ", py_float(p));
}
void print(std::ostream& s, const char* name, const DropoutOptions& o) {
  s << name << "(p=" << py_float(o.p()) << ", inplace=" << py_bool(o.inplace()) << ")";
}
F::DropoutFuncOptions func(const DropoutOptions& o, bool training) {
  return F::DropoutFuncOptions().p(o.p()).training(training).inplace(o.inplace());
}
}  // namespace

DropoutImpl::DropoutImpl(const DropoutOptions& options_) : Cloneable("Dropout"), options(options_) { reset(); }
void DropoutImpl::reset() { check_p(options.p()); }
Tensor DropoutImpl::forward(Tensor input) { return F::dropout(std::move(input), func(options, is_training())); }
void DropoutImpl::pretty_print(std::ostream& s) const { print(s, "Dropout", options); }

Dropout1dImpl::Dropout1dImpl(const DropoutOptions& options_) : Cloneable("Dropout1d"), options(options_) { reset(); }
void Dropout1dImpl::reset() { check_p(options.p()); }
Tensor Dropout1dImpl::forward(Tensor input) { return F::dropout1d(std::move(input), func(options, is_training())); }
void Dropout1dImpl::pretty_print(std::ostream& s) const { print(s, "Dropout1d", options); }

Dropout2dImpl::Dropout2dImpl(const DropoutOptions& options_) : Cloneable("Dropout2d"), options(options_) { reset(); }
void Dropout2dImpl::reset() { check_p(options.p()); }
Tensor Dropout2dImpl::forward(Tensor input) { return F::dropout2d(std::move(input), func(options, is_training())); }
void Dropout2dImpl::pretty_print(std::ostream& s) const { print(s, "Dropout2d", options); }

}  // namespace ember::nn
