// ParameterList / ParameterDict: registration and Python's repr (python/ember/nn/modules/container.py).
#include "ember/nn/modules/parameter_list.h"

#include <ostream>
#include <sstream>

#include "ember/util/error.h"

namespace ember::nn {
namespace {
// Python's _param_line: "  (key): Parameter containing: [<type> of size 2x3]"
std::string param_line(const std::string& key, const Tensor& p, const std::string& type) {
  std::ostringstream s;
  s << "  (" << key << "): Parameter containing: [" << type << " of size ";
  for (int64_t d = 0; d < p.dim(); ++d) s << (d ? "x" : "") << p.size(d);
  if (p.device().type() != DeviceType::CPU) s << " (" << p.device() << ")";
  s << "]";
  return s.str();
}

// Python's Module.__repr__ for a module with extra_repr lines and no children.
void print_lines(std::ostream& s, const std::string& name, const std::vector<std::string>& lines) {
  s << name << "(";
  if (lines.size() == 1) {
    s << lines[0];
  } else if (!lines.empty()) {
    s << "\n";
    for (const auto& l : lines) s << "  " << l << "\n";
  }
  s << ")";
}

Tensor as_parameter(const Tensor& t) {
  t.check_defined("ParameterList");
  return t.is_leaf() && t.requires_grad() ? t : t.detach().set_requires_grad(true);
}
}  // namespace

void ParameterListImpl::append(const Tensor& param) {
  register_parameter(std::to_string(parameters_.size()), as_parameter(param));
}

Tensor& ParameterListImpl::at(size_t index) {
  EMBER_CHECK_INDEX(index < parameters_.size(), "index ", index, " is out of range (ParameterList of size ",
                    parameters_.size(), ")");
  return parameters_[index].value();
}

const Tensor& ParameterListImpl::at(size_t index) const {
  EMBER_CHECK_INDEX(index < parameters_.size(), "index ", index, " is out of range (ParameterList of size ",
                    parameters_.size(), ")");
  return parameters_[index].value();
}

void ParameterListImpl::pretty_print(std::ostream& stream) const {
  std::vector<std::string> lines;
  for (const auto& item : parameters_)
    lines.push_back(param_line(item.key(), item.value(), std::string("ember.") + dtype_name(item.value().dtype())));
  print_lines(stream, "ParameterList", lines);
}

ParameterDictImpl::ParameterDictImpl(const OrderedDict<std::string, Tensor>& params) : ParameterDictImpl() {
  update(params);
}

void ParameterDictImpl::insert(const std::string& key, const Tensor& param) {
  if (parameters_.contains(key)) {
    parameters_[key] = as_parameter(param);
  } else {
    register_parameter(key, as_parameter(param));
  }
}

void ParameterDictImpl::update(const OrderedDict<std::string, Tensor>& params) {
  for (const auto& item : params) insert(item.key(), item.value());
}

Tensor ParameterDictImpl::pop(const std::string& key) {
  EMBER_CHECK_INDEX(parameters_.contains(key), "ParameterDict: key '", key, "' not found");
  Tensor t = parameters_[key];
  parameters_.erase(key);
  return t;
}

void ParameterDictImpl::clear() { parameters_.clear(); }

Tensor& ParameterDictImpl::get(const std::string& key) {
  EMBER_CHECK_INDEX(parameters_.contains(key), "ParameterDict: key '", key, "' not found");
  return parameters_[key];
}

void ParameterDictImpl::pretty_print(std::ostream& stream) const {
  std::vector<std::string> lines;
  for (const auto& item : parameters_)
    lines.push_back(param_line(item.key(), item.value(),
                               std::string("ember.") + scalar_type_name(item.value().dtype()) + "Tensor"));
  print_lines(stream, "ParameterDict", lines);
}

}  // namespace ember::nn
