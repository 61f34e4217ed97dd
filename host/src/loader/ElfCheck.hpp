// Reads a file's ELF headers (without loading it) to decide whether it is safe to dlopen.
#pragma once

#include <cstdint>
#include <string>

namespace kms::host {

// Why a file may not be loaded as a module; kNone when it may.
enum class ElfProblem {
  kNone = 0,
  kUnreadable,          // cannot open or read the file
  kNotElf,              // no ELF magic
  kUnsupportedFormat,   // not 64-bit little-endian
  kWrongMachine,        // built for another CPU architecture
  kMalformed,           // headers point outside the file or are inconsistent
  kNotSharedObject,     // e_type is not ET_DYN (e.g. a non-PIE executable)
  kPieExecutable,       // ET_DYN but flagged DF_1_PIE: a program, not a library
  kTextRelocations,     // DT_TEXTREL or DF_TEXTREL: code built without -fPIC
  kExecutableStack,     // PT_GNU_STACK is executable, or missing
};

struct ElfReport {
  ElfProblem problem = ElfProblem::kNone;
  std::string detail;  // what was found, for the message ("e_type is ET_EXEC", ...)

  // Facts read from the headers (valid once the file was recognised as 64-bit ELF).
  uint16_t type = 0;     // e_type
  uint16_t machine = 0;  // e_machine
  bool hasDynamicSection = false;
  bool hasTextRelocations = false;
  bool isPie = false;          // DT_FLAGS_1 has DF_1_PIE
  bool hasGnuStack = false;    // a PT_GNU_STACK header exists
  bool executableStack = false;
  bool hasRelro = false;       // PT_GNU_RELRO
  bool bindNow = false;        // DF_BIND_NOW or DF_1_NOW

  bool ok() const { return problem == ElfProblem::kNone; }
};

// Inspects the ELF file at `path`. Never throws; problems are reported in the result.
ElfReport inspectElf(const std::string& path);

// The refusal text for a report ("it has text relocations (not position-independent). Rebuild
// it with -fPIC ..."), meant to follow "Refusing module <path>: "; empty when ok().
std::string describeElfProblem(const ElfReport& report);

// "kTextRelocations" etc., for tests and logs.
const char* elfProblemName(ElfProblem problem);

}  // namespace kms::host
