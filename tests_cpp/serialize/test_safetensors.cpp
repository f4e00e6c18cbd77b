// The safetensors reader and writer (src/serialize): round trips of every dtype, strided and empty
// tensors, a hand-made file (bytes written here, independent of the writer), mmap views, atomic
// writes, every validation error of Note [safetensors validation], and a small fuzz loop.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include <ember/ember.h>
#include <ember/serialize/safetensors.h>
#include <ember/serialize/tree.h>

using namespace ember;
using namespace ember::serialize;

namespace {
std::string tmp_path(const std::string& name) {
  return "/tmp/ember_test_serialize_" + std::to_string(::getpid()) + "_" + name;
}
bool same(const Tensor& a, const Tensor& b) {
  return a.dtype() == b.dtype() && a.sizes() == b.sizes() && ember::equal(a.to(kFloat64), b.to(kFloat64));
}
// A safetensors file from a header and raw data, built by hand.
std::string make_file(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(n >> (8 * i));
  return out + header + data;
}
std::string load_error(const std::string& bytes) {
  try {
    load_value_from_buffer(bytes.data(), bytes.size());
  } catch (const SerializationError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("safetensors: dtype names", "[serialize]") {
  CHECK(std::string(safetensors_dtype_name(kFloat32)) == "F32");
  CHECK(std::string(safetensors_dtype_name(kBFloat16)) == "BF16");
  CHECK(dtype_from_safetensors("BOOL") == kBool);
  CHECK(dtype_from_safetensors("I64") == kInt64);
  CHECK_THROWS_WITH(dtype_from_safetensors("U16"), Catch::Contains("'U16' is not supported by ember"));
  CHECK_THROWS_WITH(dtype_from_safetensors("X9"), Catch::Contains("unknown dtype 'X9'"));
}

TEST_CASE("safetensors: a hand-made file reads back", "[serialize]") {
  float a[6] = {1, 2, 3, 4, 5, 6};
  int64_t b[2] = {-7, 1LL << 40};
  std::string data(reinterpret_cast<const char*>(a), 24);
  data += std::string(reinterpret_cast<const char*>(b), 16);
  std::string header =
      R"({"__metadata__":{"k":"v"},"b":{"dtype":"I64","shape":[2],"data_offsets":[24,40]},)"
      R"("a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"e":{"dtype":"F16","shape":[0,4],"data_offsets":[40,40]}}  )";
  std::string bytes = make_file(header, data);
  for (bool from_file : {false, true}) {
    for (bool mm : {false, true}) {
      if (!from_file && mm) continue;
      std::string path = tmp_path("hand.safetensors");
      std::optional<Reader> r;
      if (from_file) {
        std::ofstream(path, std::ios::binary) << bytes;
        r = Reader::open(path, mm);
        CHECK(r->is_mmap() == mm);
      } else {
        r = Reader::from_buffer(bytes.data(), bytes.size());
      }
      REQUIRE(r->entries().size() == 3);
      CHECK(r->entries()[0].name == "a");  // offset order
      CHECK(*r->metadata("k") == "v");
      CHECK(!r->metadata("missing"));
      Tensor ta = r->tensor("a");
      CHECK(same(ta, ember::tensor({1.f, 2.f, 3.f, 4.f, 5.f, 6.f}).reshape({2, 3})));
      CHECK(same(r->tensor("b"), ember::tensor(std::vector<int64_t>{-7, 1LL << 40})));
      CHECK(r->tensor("e").sizes() == IntArrayRef{0, 4});
      CHECK(r->tensor("e").dtype() == kFloat16);
      // A plain file loads as a dict of its tensors.
      IValue v = load_value(*r);
      REQUIRE(v.isGenericDict());
      CHECK(v.toGenericDict().size() == 3);
      if (mm) {
        ta.add_(1);  // copy-on-write: the file is unchanged
        CHECK(same(Reader::open(path).tensor("a"), ember::tensor({1.f, 2.f, 3.f, 4.f, 5.f, 6.f}).reshape({2, 3})));
      }
      CHECK_THROWS_WITH(r->tensor("zz"), Catch::Contains("no tensor named 'zz'"));
      if (from_file) std::remove(path.c_str());
    }
  }
}

TEST_CASE("safetensors: writer round trip of every dtype, strides and metadata", "[serialize]") {
  NamedTensors ts;
  for (ScalarType t : {kBool, kUInt8, kInt8, kInt16, kInt32, kInt64, kFloat16, kBFloat16, kFloat32, kFloat64})
    ts.emplace_back(std::string("x_") + dtype_name(t), ember::arange(12).reshape({3, 4}).to(t));
  ts.emplace_back("transposed", ember::arange(12., TensorOptions(kFloat32)).reshape({3, 4}).t());
  ts.emplace_back("flipped", ember::arange(5., TensorOptions(kFloat64)).flip({0}));
  ts.emplace_back("scalar", ember::tensor(3.5));
  ts.emplace_back("empty", ember::zeros({0, 3}));
  Metadata md{{"who", "test"}, {"n", "2"}};
  std::string path = tmp_path("rt.safetensors");
  write_file(path, ts, md, WriteOptions{true});
  std::string buf = write_buffer(ts, md);
  std::ostringstream os;
  write_stream(os, ts, md);
  CHECK(os.str() == buf);
  std::ifstream in(path, std::ios::binary);
  std::string disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(disk == buf);
  uint64_t n = 0;
  std::memcpy(&n, buf.data(), 8);
  CHECK((8 + n) % 64 == 0);  // the data start aligned
  for (bool mm : {false, true}) {
    Reader r = Reader::open(path, mm);
    Metadata got = r.metadata(), want = md;  // JSON objects are unordered: compared sorted
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    CHECK(got == want);
    for (const auto& [name, t] : ts) {
      Tensor got = r.tensor(name);
      CHECK(got.is_contiguous());
      CHECK(same(got, t.contiguous()));
      if (got.numel() > 0) CHECK(reinterpret_cast<uintptr_t>(got.data_ptr()) % got.element_size() == 0);
    }
  }
  std::remove(path.c_str());
  CHECK_THROWS_WITH(write_buffer({{"a", ember::ones({1})}, {"a", ember::ones({1})}}), Catch::Contains("duplicate tensor name 'a'"));
  CHECK_THROWS_WITH(write_buffer({{"__metadata__", ember::ones({1})}}), Catch::Contains("may not be called"));
  CHECK_THROWS_WITH(write_buffer({{"m", ember::ones({1}, TensorOptions().device(kMeta))}}), Catch::Contains("only CPU tensors"));
}

TEST_CASE("safetensors: a large strided tensor is written in chunks", "[serialize]") {
  Tensor big = ember::arange(3 * 1024 * 1024., TensorOptions(kFloat32)).reshape({1024, 3072}).t();  // 12 MiB
  Tensor flipped = big.flip({0});
  std::string buf = write_buffer({{"t", big}, {"f", flipped}});
  Reader r = Reader::from_buffer(buf.data(), buf.size());
  CHECK(ember::equal(r.tensor("t"), big.contiguous()));
  CHECK(ember::equal(r.tensor("f"), flipped.contiguous()));
}

TEST_CASE("safetensors: atomic write leaves no temporary file and replaces the old one", "[serialize]") {
  std::string path = tmp_path("atomic.safetensors");
  write_file(path, {{"a", ember::ones({2})}});
  write_file(path, {{"b", ember::zeros({3})}});
  Reader r = Reader::open(path);
  CHECK(r.contains("b"));
  CHECK(!r.contains("a"));
  // A failing write (its folder does not exist) raises and leaves nothing.
  CHECK_THROWS_AS(write_file("/nonexistent_dir_ember/x.safetensors", {{"a", ember::ones({1})}}), SerializationError);
  std::remove(path.c_str());
}

TEST_CASE("safetensors: validation errors", "[serialize]") {
  const std::string f4(16, '\0');
  auto hdr = [](const std::string& entries) { return "{" + entries + "}"; };
  const std::string ok = R"("a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]})";
  CHECK(load_error(make_file(hdr(ok), f4)).empty());
  CHECK_THAT(load_error("abc"), Catch::Contains("file too short"));
  std::string huge(8, '\xff');
  CHECK_THAT(load_error(huge + "{}"), Catch::Contains("exceeds the limit"));
  std::string len100 = make_file(hdr(ok), f4);
  len100[0] = 100;
  len100[1] = 0;
  CHECK_THAT(load_error(len100.substr(0, 60)), Catch::Contains("exceeds the file size"));
  CHECK_THAT(load_error(make_file("[1]", "")), Catch::Contains("not a JSON object"));
  CHECK_THAT(load_error(make_file("{\"a\":", "")), Catch::Contains("not valid JSON"));
  CHECK_THAT(load_error(make_file(hdr(ok + "," + ok), f4)), Catch::Contains("duplicate key 'a'"));
  CHECK_THAT(load_error(make_file(hdr(R"("__metadata__":{"x":1},)" + ok), f4)), Catch::Contains("must be a string"));
  CHECK_THAT(load_error(make_file(hdr(R"("__metadata__":[],)" + ok), f4)), Catch::Contains("__metadata__ must be an object"));
  CHECK_THAT(load_error(make_file(hdr(R"("a":{"dtype":"F32","shape":[4]})"), f4)), Catch::Contains("missing field 'data_offsets'"));
  CHECK_THAT(load_error(make_file(hdr(R"("a":{"dtype":"F32","shape":[4],"data_offsets":[0,16],"x":1})"), f4)), Catch::Contains("unexpected field 'x'"));
  CHECK_THAT(load_error(make_file(hdr(R"("a":{"dtype":"Q8","shape":[4],"data_offsets":[0,16]})"), f4)), Catch::Contains("unknown dtype 'Q8'"));
  CHECK_THAT(load_error(make_file(hdr(R"("a":{"dtype":7,"shape":[4],"data_offsets":[0,16]})"), f4)), Catch::Contains("dtype must be a string"));
  CHECK_THAT(load_error(make_file(hdr(R"("a":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]})"), f4)), Catch::Contains("non-negative integer"));
  CHECK_THAT(load_error(make_file(hdr(R"("a":{"dtype":"F32","shape":"4","data_offsets":[0,16]})"), f4)), Catch::Contains("shape must be a list"));
  CHECK_THAT(load_error(make_file(hdr(R"("a":{"dtype":"F32","shape":[5],"data_offsets":[0,16]})"), f4)), Catch::Contains("needs 20 bytes"));
  CHECK_THAT(load_error(make_file(hdr(R"("a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]})"), f4)), Catch::Contains("too large"));
  CHECK_THAT(load_error(make_file(hdr(R"("a":{"dtype":"F32","shape":[4],"data_offsets":[16,0]})"), f4)), Catch::Contains("end before they begin"));
  CHECK_THAT(load_error(make_file(hdr(R"("a":{"dtype":"F32","shape":[4],"data_offsets":[4,20]})"), f4)), Catch::Contains("exceed the data buffer"));
  CHECK_THAT(load_error(make_file(hdr(R"("a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]})"), f4)), Catch::Contains("leaves a gap"));
  CHECK_THAT(load_error(make_file(hdr(R"("a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]})"), f4)),
             Catch::Contains("overlaps"));
  CHECK_THAT(load_error(make_file(hdr(R"("a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]})"), f4)), Catch::Contains("trailing bytes"));
  CHECK_THAT(load_error(make_file(hdr(R"("a":{"dtype":"F32","shape":[4],"data_offsets":[0]})"), f4)), Catch::Contains("data_offsets must be [begin, end]"));
  CHECK_THAT(load_error(make_file(hdr(R"("a":[1])"), f4)), Catch::Contains("entry must be an object"));
  CHECK_THROWS_WITH(Reader::open("/nonexistent/file.safetensors"), Catch::Contains("cannot open"));
  CHECK_THROWS_WITH(Reader::open("/tmp"), Catch::Contains("not a regular file"));
}

TEST_CASE("safetensors: fuzzed files raise SerializationError or load", "[serialize][fuzz]") {
  NamedTensors ts{{"w", ember::randn({3, 5})}, {"b", ember::arange(4)}, {"h", ember::ones({2}, TensorOptions(kFloat16))}};
  IValue tree = GenericDict();
  tree.toGenericDict().insert(IValue("w"), IValue(ts[0].second));
  tree.toGenericDict().insert(IValue("v"), IValue(ts[0].second.t()));
  tree.toGenericDict().insert(IValue("n"), IValue(ivalue::Tuple::create({IValue(1), IValue(2.5), IValue("s")})));
  const std::string seeds[] = {write_buffer(ts, {{"k", "v"}}), save_value_to_buffer(tree)};
  std::mt19937 rng(1234);
  int loaded = 0, rejected = 0;
  for (int it = 0; it < 3000; ++it) {
    std::string b = seeds[it % 2];
    const int kind = static_cast<int>(rng() % 4);
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !b.empty(); ++e) {
      size_t pos = rng() % b.size();
      if (kind == 0) b[pos] = static_cast<char>(rng());                                           // random byte
      else if (kind == 1) b[pos] = "{}[]\":,0123456789-eE.FIU"[rng() % 24];                          // JSON-ish byte
      else if (kind == 2) b.resize(pos);                                                             // truncation
      else b[rng() % 8] = static_cast<char>(rng());                                                  // header length
    }
    try {
      IValue v = load_value_from_buffer(b.data(), b.size());
      ++loaded;
    } catch (const SerializationError&) {
      ++rejected;
    } catch (const Error& e) {
      // dtype/shape errors surfacing from the tensor layer are fine too, as long as they are ember errors
      ++rejected;
    }
  }
  CHECK(loaded + rejected == 3000);
  CHECK(rejected > 100);
}
