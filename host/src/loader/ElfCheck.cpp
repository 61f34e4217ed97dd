#include "loader/ElfCheck.hpp"

#include <elf.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

namespace kms::host {

namespace {

// The dynamic section of a sane module is a few hundred bytes; refuse absurd sizes.
constexpr uint64_t kMaxDynamicSectionBytes = 1 << 20;
constexpr uint16_t kMaxProgramHeaders = 512;

// The e_machine of the code this server runs; 0 when unknown (no check then).
constexpr uint16_t nativeMachine() {
#if defined(__x86_64__)
  return EM_X86_64;
#elif defined(__aarch64__)
  return EM_AARCH64;
#elif defined(__riscv) && __riscv_xlen == 64
  return EM_RISCV;
#elif defined(__powerpc64__)
  return EM_PPC64;
#else
  return 0;
#endif
}

const char* typeName(uint16_t type) {
  switch (type) {
    case ET_NONE:
      return "ET_NONE";
    case ET_REL:
      return "ET_REL (an object file)";
    case ET_EXEC:
      return "ET_EXEC (an executable linked without -pie)";
    case ET_DYN:
      return "ET_DYN";
    case ET_CORE:
      return "ET_CORE (a core dump)";
    default:
      return "unknown";
  }
}

class ElfFile {
 public:
  explicit ElfFile(const std::string& path) : in_(path, std::ios::binary) {
    if (in_) {
      in_.seekg(0, std::ios::end);
      size_ = static_cast<uint64_t>(in_.tellg());
      in_.seekg(0);
    }
  }
  bool isOpen() const { return static_cast<bool>(in_); }
  uint64_t size() const { return size_; }

  // Reads `length` bytes at `offset`; false when they are not all inside the file.
  bool readAt(uint64_t offset, void* out, uint64_t length) {
    if (offset > size_ || length > size_ - offset) {
      return false;
    }
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(offset));
    in_.read(static_cast<char*>(out), static_cast<std::streamsize>(length));
    return static_cast<uint64_t>(in_.gcount()) == length;
  }

 private:
  std::ifstream in_;
  uint64_t size_ = 0;
};

ElfReport fail(ElfReport report, ElfProblem problem, std::string detail) {
  report.problem = problem;
  report.detail = std::move(detail);
  return report;
}

// Checks the identification bytes and reads the header; returns false with `report` filled.
bool readHeader(ElfFile& file, Elf64_Ehdr& header, ElfReport& report) {
  unsigned char ident[EI_NIDENT] = {};
  if (!file.readAt(0, ident, sizeof ident) || std::memcmp(ident, ELFMAG, SELFMAG) != 0) {
    report = fail(report, ElfProblem::kNotElf,
                  file.size() < SELFMAG ? "the file is only " + std::to_string(file.size()) +
                                              " bytes long"
                                        : "it does not start with the ELF magic bytes");
    return false;
  }
  if (ident[EI_CLASS] != ELFCLASS64) {
    report = fail(report, ElfProblem::kUnsupportedFormat,
                  ident[EI_CLASS] == ELFCLASS32 ? "it is a 32-bit ELF file" : "unknown ELF class");
    return false;
  }
  if (ident[EI_DATA] != ELFDATA2LSB) {
    report = fail(report, ElfProblem::kUnsupportedFormat, "it is a big-endian ELF file");
    return false;
  }
  if (!file.readAt(0, &header, sizeof header)) {
    report = fail(report, ElfProblem::kMalformed, "the ELF header is truncated");
    return false;
  }
  report.type = header.e_type;
  report.machine = header.e_machine;
  return true;
}

// Reads the dynamic section the program header `dynamic` points at.
bool readDynamic(ElfFile& file, const Elf64_Phdr& dynamic, ElfReport& report) {
  if (dynamic.p_filesz > kMaxDynamicSectionBytes) {
    report = fail(report, ElfProblem::kMalformed, "the dynamic section is implausibly large");
    return false;
  }
  std::vector<Elf64_Dyn> entries(dynamic.p_filesz / sizeof(Elf64_Dyn));
  if (!file.readAt(dynamic.p_offset, entries.data(), entries.size() * sizeof(Elf64_Dyn))) {
    report = fail(report, ElfProblem::kMalformed, "the dynamic section lies outside the file");
    return false;
  }
  report.hasDynamicSection = true;
  for (const Elf64_Dyn& entry : entries) {
    if (entry.d_tag == DT_NULL) {
      break;
    }
    if (entry.d_tag == DT_TEXTREL) {
      report.hasTextRelocations = true;
    } else if (entry.d_tag == DT_FLAGS) {
      report.hasTextRelocations |= (entry.d_un.d_val & DF_TEXTREL) != 0;
      report.bindNow |= (entry.d_un.d_val & DF_BIND_NOW) != 0;
    } else if (entry.d_tag == DT_FLAGS_1) {
      report.isPie |= (entry.d_un.d_val & DF_1_PIE) != 0;
      report.bindNow |= (entry.d_un.d_val & DF_1_NOW) != 0;
    } else if (entry.d_tag == DT_BIND_NOW) {
      report.bindNow = true;
    }
  }
  return true;
}

// Reads the program headers (and through them the dynamic section).
bool readSegments(ElfFile& file, const Elf64_Ehdr& header, ElfReport& report) {
  if (header.e_phnum == 0 || header.e_phnum > kMaxProgramHeaders ||
      header.e_phentsize != sizeof(Elf64_Phdr)) {
    report = fail(report, ElfProblem::kMalformed,
                  "unexpected program header table (" + std::to_string(header.e_phnum) +
                      " entries of " + std::to_string(header.e_phentsize) + " bytes)");
    return false;
  }
  std::vector<Elf64_Phdr> segments(header.e_phnum);
  if (!file.readAt(header.e_phoff, segments.data(), segments.size() * sizeof(Elf64_Phdr))) {
    report = fail(report, ElfProblem::kMalformed, "the program headers lie outside the file");
    return false;
  }
  for (const Elf64_Phdr& segment : segments) {
    if (segment.p_type == PT_GNU_STACK) {
      report.hasGnuStack = true;
      report.executableStack = (segment.p_flags & PF_X) != 0;
    } else if (segment.p_type == PT_GNU_RELRO) {
      report.hasRelro = true;
    } else if (segment.p_type == PT_DYNAMIC && !readDynamic(file, segment, report)) {
      return false;
    }
  }
  return true;
}

}  // namespace

ElfReport inspectElf(const std::string& path) {
  ElfReport report;
  ElfFile file(path);
  if (!file.isOpen()) {
    return fail(report, ElfProblem::kUnreadable, std::strerror(errno));
  }
  Elf64_Ehdr header{};
  if (!readHeader(file, header, report)) {
    return report;
  }
  constexpr uint16_t native = nativeMachine();
  if (native != 0 && header.e_machine != native) {
    return fail(report, ElfProblem::kWrongMachine,
                "e_machine is " + std::to_string(header.e_machine) + ", this server's is " +
                    std::to_string(native));
  }
  if (header.e_type != ET_DYN) {
    return fail(report, ElfProblem::kNotSharedObject,
                std::string("e_type is ") + typeName(header.e_type));
  }
  if (!readSegments(file, header, report)) {
    return report;
  }
  if (!report.hasDynamicSection) {
    return fail(report, ElfProblem::kMalformed, "it has no dynamic section");
  }
  if (report.isPie) {
    return fail(report, ElfProblem::kPieExecutable, "DT_FLAGS_1 has DF_1_PIE");
  }
  if (report.hasTextRelocations) {
    return fail(report, ElfProblem::kTextRelocations, "DT_TEXTREL or DF_TEXTREL is set");
  }
  if (!report.hasGnuStack || report.executableStack) {
    return fail(report, ElfProblem::kExecutableStack,
                report.hasGnuStack ? "PT_GNU_STACK has PF_X" : "no PT_GNU_STACK header");
  }
  return report;
}

std::string describeElfProblem(const ElfReport& report) {
  switch (report.problem) {
    case ElfProblem::kNone:
      return "";
    case ElfProblem::kUnreadable:
      return "cannot read it (" + report.detail + "). Check that the file exists and is readable.";
    case ElfProblem::kNotElf:
      return "it is not an ELF shared library (" + report.detail +
             "). Remove it from the modules folder or replace it with the built module.";
    case ElfProblem::kUnsupportedFormat:
      return report.detail +
             "; this server loads only 64-bit little-endian modules. Rebuild it for this "
             "machine with the compiler of the server.";
    case ElfProblem::kWrongMachine:
      return "it was built for another CPU architecture (" + report.detail +
             "). Rebuild it for this machine.";
    case ElfProblem::kMalformed:
      return "its ELF headers are malformed (" + report.detail +
             "). The file may be truncated or corrupt; rebuild and reinstall it.";
    case ElfProblem::kNotSharedObject:
      return "it is not a shared library (" + report.detail +
             "). Build modules as shared libraries (CMake: add_library(<name> SHARED ...) or "
             "kms_add_module; compiler: -shared -fPIC).";
    case ElfProblem::kPieExecutable:
      return "it is a position-independent executable, not a shared library (" + report.detail +
             "). Build modules as shared libraries (CMake: add_library(<name> SHARED ...) or "
             "kms_add_module; compiler: -shared -fPIC).";
    case ElfProblem::kTextRelocations:
      return "it has text relocations (not position-independent). Rebuild it with -fPIC "
             "(CMake: set(CMAKE_POSITION_INDEPENDENT_CODE ON)) and link without -z notext.";
    case ElfProblem::kExecutableStack:
      return "it asks for an executable stack (" + report.detail +
             "). Link it with -z noexecstack, or give the object that lacks a .note.GNU-stack "
             "section (usually assembly) one.";
  }
  return "unknown ELF problem";
}

const char* elfProblemName(ElfProblem problem) {
  switch (problem) {
    case ElfProblem::kNone:
      return "kNone";
    case ElfProblem::kUnreadable:
      return "kUnreadable";
    case ElfProblem::kNotElf:
      return "kNotElf";
    case ElfProblem::kUnsupportedFormat:
      return "kUnsupportedFormat";
    case ElfProblem::kWrongMachine:
      return "kWrongMachine";
    case ElfProblem::kMalformed:
      return "kMalformed";
    case ElfProblem::kNotSharedObject:
      return "kNotSharedObject";
    case ElfProblem::kPieExecutable:
      return "kPieExecutable";
    case ElfProblem::kTextRelocations:
      return "kTextRelocations";
    case ElfProblem::kExecutableStack:
      return "kExecutableStack";
  }
  return "unknown";
}

}  // namespace kms::host
