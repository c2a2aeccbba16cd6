// Cooperative cancellation for long core loops (index builds, training). PostgreSQL's interrupt
// flags may only be read on the backend's main thread, and the core may not see them at all, so
// the PostgreSQL layer passes in a function that reports whether an interrupt is pending. The core
// polls it, unwinds by throwing Cancelled (running every destructor), and the entry point then
// lets PostgreSQL process the interrupt itself (CPP_IN_POSTGRES.md F7).
#pragma once
#include "core/pure_cpp.h"

#include <cstdint>

namespace commerce {

struct Cancelled {};

class CancelCheck {
 public:
  using Probe = bool (*)();

  CancelCheck() = default;
  explicit CancelCheck(Probe probe, std::uint32_t every = 1024)
      : probe_(probe), every_(every), countdown_(every) {}

  // Cheap enough for an inner loop: the probe runs once per `every` calls. A countdown, not a
  // modulo: a division per call showed in the profile of an HNSW build.
  void poll() {
    if (probe_ != nullptr && --countdown_ == 0) {
      countdown_ = every_;
      if (probe_()) throw Cancelled{};
    }
  }

 private:
  Probe probe_ = nullptr;
  std::uint32_t every_ = 1024;
  std::uint32_t countdown_ = 1024;
};

}  // namespace commerce
