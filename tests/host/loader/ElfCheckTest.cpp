// ElfCheck on real files (the fixtures built by CMake) and on crafted headers.
#include "loader/ElfCheck.hpp"

#include <elf.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace kms::host {
namespace {

const std::string kFixtures = KMS_LOADER_FIXTURES;

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class ElfCheckTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/kms-elf-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `bytes` to a file in the test folder and inspects it.
  ElfReport inspectBytes(const std::string& bytes) {
    const std::string path = dir_ + "/crafted.so";
    std::ofstream(path, std::ios::binary) << bytes;
    return inspectElf(path);
  }

  // The good fixture with one header field changed.
  template <class T>
  ElfReport inspectPatchedGood(size_t offset, T value) {
    std::string bytes = readAll(kFixtures + "/libgood.so");
    std::memcpy(&bytes[offset], &value, sizeof value);
    return inspectBytes(bytes);
  }

  std::string dir_;
};

TEST_F(ElfCheckTest, AcceptsTheGoodModuleAndReadsItsHardening) {
  const ElfReport report = inspectElf(kFixtures + "/libgood.so");
  EXPECT_TRUE(report.ok()) << elfProblemName(report.problem) << ": " << report.detail;
  EXPECT_EQ(report.type, ET_DYN);
#if defined(__x86_64__)
  EXPECT_EQ(report.machine, EM_X86_64);
#endif
  EXPECT_TRUE(report.hasDynamicSection);
  EXPECT_FALSE(report.hasTextRelocations);
  EXPECT_FALSE(report.isPie);
  EXPECT_TRUE(report.hasGnuStack);
  EXPECT_FALSE(report.executableStack);
  EXPECT_TRUE(report.hasRelro);
  EXPECT_TRUE(report.bindNow);
  EXPECT_EQ(describeElfProblem(report), "");
}

TEST_F(ElfCheckTest, AcceptsAPlainLibrary) {
  EXPECT_TRUE(inspectElf(kFixtures + "/libplain.so").ok());
}

TEST_F(ElfCheckTest, RefusesTextRelocations) {
  const ElfReport report = inspectElf(kFixtures + "/libnopic.so");
  EXPECT_EQ(report.problem, ElfProblem::kTextRelocations) << elfProblemName(report.problem);
  EXPECT_TRUE(report.hasTextRelocations);
  EXPECT_EQ(describeElfProblem(report),
            "it has text relocations (not position-independent). Rebuild it with -fPIC "
            "(CMake: set(CMAKE_POSITION_INDEPENDENT_CODE ON)) and link without -z notext.");
}

TEST_F(ElfCheckTest, RefusesANonPieExecutable) {
  const ElfReport report = inspectElf(kFixtures + "/libexec.so");
  EXPECT_EQ(report.problem, ElfProblem::kNotSharedObject) << elfProblemName(report.problem);
  EXPECT_EQ(report.type, ET_EXEC);
  EXPECT_EQ(report.detail, "e_type is ET_EXEC (an executable linked without -pie)");
}

TEST_F(ElfCheckTest, RefusesAPieExecutable) {
  const ElfReport report = inspectElf(kFixtures + "/libpie.so");
  EXPECT_EQ(report.problem, ElfProblem::kPieExecutable) << elfProblemName(report.problem);
  EXPECT_EQ(report.type, ET_DYN);
  EXPECT_TRUE(report.isPie);
}

TEST_F(ElfCheckTest, RefusesAnExecutableStack) {
  const ElfReport report = inspectElf(kFixtures + "/libexecstack.so");
  EXPECT_EQ(report.problem, ElfProblem::kExecutableStack) << elfProblemName(report.problem);
  EXPECT_TRUE(report.executableStack);
  EXPECT_EQ(report.detail, "PT_GNU_STACK has PF_X");
}

TEST_F(ElfCheckTest, RefusesATextFile) {
  const ElfReport report = inspectElf(kFixtures + "/libjunk.so");
  EXPECT_EQ(report.problem, ElfProblem::kNotElf);
  EXPECT_EQ(report.detail, "it does not start with the ELF magic bytes");
}

TEST_F(ElfCheckTest, RefusesATinyFile) {
  const ElfReport report = inspectBytes("\x7f" "E");
  EXPECT_EQ(report.problem, ElfProblem::kNotElf);
  EXPECT_EQ(report.detail, "the file is only 2 bytes long");
}

TEST_F(ElfCheckTest, ReportsAMissingFile) {
  const ElfReport report = inspectElf(dir_ + "/absent.so");
  EXPECT_EQ(report.problem, ElfProblem::kUnreadable);
  EXPECT_NE(describeElfProblem(report).find("cannot read it"), std::string::npos);
}

TEST_F(ElfCheckTest, Refuses32BitAndBigEndianFiles) {
  std::string header(64, '\0');
  header.replace(0, 4, "\x7f" "ELF");
  header[EI_CLASS] = ELFCLASS32;
  header[EI_DATA] = ELFDATA2LSB;
  ElfReport report = inspectBytes(header);
  EXPECT_EQ(report.problem, ElfProblem::kUnsupportedFormat);
  EXPECT_EQ(describeElfProblem(report),
            "it is a 32-bit ELF file; this server loads only 64-bit little-endian modules. "
            "Rebuild it for this machine with the compiler of the server.");

  header[EI_CLASS] = ELFCLASS64;
  header[EI_DATA] = ELFDATA2MSB;
  report = inspectBytes(header);
  EXPECT_EQ(report.problem, ElfProblem::kUnsupportedFormat);
  EXPECT_EQ(report.detail, "it is a big-endian ELF file");
}

TEST_F(ElfCheckTest, RefusesATruncatedHeader) {
  const ElfReport report = inspectBytes(readAll(kFixtures + "/libgood.so").substr(0, 40));
  EXPECT_EQ(report.problem, ElfProblem::kMalformed);
  EXPECT_EQ(report.detail, "the ELF header is truncated");
}

TEST_F(ElfCheckTest, RefusesAnotherArchitecture) {
  const ElfReport report =
      inspectPatchedGood(offsetof(Elf64_Ehdr, e_machine), static_cast<Elf64_Half>(EM_AARCH64));
  EXPECT_EQ(report.problem, ElfProblem::kWrongMachine);
  EXPECT_EQ(report.machine, EM_AARCH64);
}

TEST_F(ElfCheckTest, RefusesProgramHeadersOutsideTheFile) {
  const ElfReport report =
      inspectPatchedGood(offsetof(Elf64_Ehdr, e_phoff), static_cast<Elf64_Off>(1) << 40);
  EXPECT_EQ(report.problem, ElfProblem::kMalformed);
  EXPECT_EQ(report.detail, "the program headers lie outside the file");
}

TEST_F(ElfCheckTest, RefusesAnObjectFile) {
  const ElfReport report =
      inspectPatchedGood(offsetof(Elf64_Ehdr, e_type), static_cast<Elf64_Half>(ET_REL));
  EXPECT_EQ(report.problem, ElfProblem::kNotSharedObject);
  EXPECT_EQ(report.detail, "e_type is ET_REL (an object file)");
}

}  // namespace
}  // namespace kms::host
