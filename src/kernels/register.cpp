// The one place that fills the kernel table (called once, on first lookup).
namespace ember {
namespace cpu {
void register_pointwise();
void register_copy_fill();
void register_reduction();
void register_reduction_index();
void register_reduction_scan();
void register_matmul();
void register_random();
void register_compare();
void register_unary_math();
void register_binary_math();
void register_logical();
void register_index();
void register_sorting();
void register_optim();
void register_conv();
void register_loss();
void register_pooling();
void register_normalization();
void register_embedding();
}  // namespace cpu

namespace kernels {
void register_all() {
  cpu::register_pointwise();
  cpu::register_copy_fill();
  cpu::register_reduction();
  cpu::register_reduction_index();
  cpu::register_reduction_scan();
  cpu::register_matmul();
  cpu::register_random();
  cpu::register_compare();
  cpu::register_unary_math();
  cpu::register_binary_math();
  cpu::register_logical();
  cpu::register_index();
  cpu::register_sorting();
  cpu::register_optim();
  cpu::register_conv();
  cpu::register_loss();
  cpu::register_pooling();
  cpu::register_normalization();
  cpu::register_embedding();
}
}  // namespace kernels
}  // namespace ember
