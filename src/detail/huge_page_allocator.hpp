#pragma once
// An allocator for the engine's big tables (persons, names, duplicate memory,
// list pools). They are read at random, one cache line per event, so with 4 KB
// pages nearly every access also misses the TLB, and in a virtual machine a page
// walk costs more than the cache miss. Asking Linux for transparent huge pages
// (2 MB) on these blocks removes most of those walks. Small blocks, and other
// systems, get plain operator new.

#include <cstddef>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace lifecycle::detail {

template <class T>
struct huge_page_allocator {
  using value_type = T;
  static constexpr std::size_t huge_page = std::size_t{2} << 20;

  huge_page_allocator() = default;
  template <class U>
  huge_page_allocator(const huge_page_allocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < huge_page) return static_cast<T*>(::operator new(bytes));
    const std::size_t rounded = (bytes + huge_page - 1) / huge_page * huge_page;
    void* p = ::operator new(rounded, std::align_val_t{huge_page});
#if defined(MADV_HUGEPAGE)
    ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure costs speed, not correctness
#endif
    return static_cast<T*>(p);
  }

  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < huge_page) {
      ::operator delete(p);
    } else {
      ::operator delete(p, std::align_val_t{huge_page});
    }
  }

  template <class U>
  bool operator==(const huge_page_allocator<U>&) const noexcept {
    return true;
  }
};

/// A vector whose large buffers live on huge pages.
template <class T>
using big_vector = std::vector<T, huge_page_allocator<T>>;

}  // namespace lifecycle::detail
