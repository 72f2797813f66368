// SPDX-License-Identifier: MIT
#pragma once

// Marks a hand-off between threads that ThreadSanitizer cannot see because Qt does it (Debian's
// Qt is not built with TSan): a blocking-queued call's semaphore. The thread that did the work
// releases `id` at its end, the waiting thread acquires it when the call returns; everything
// written before the release is then ordered before what follows the acquire. No-ops unless
// built with -fsanitize=thread (see tests/sanitizers/tsan.supp).

#if defined(__SANITIZE_THREAD__)
#define QRADIO_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define QRADIO_TSAN 1
#endif
#endif

#ifdef QRADIO_TSAN
extern "C" void __tsan_acquire(void *addr);
extern "C" void __tsan_release(void *addr);
#define QRADIO_TSAN_RELEASE(id) __tsan_release(static_cast<void *>(id))
#define QRADIO_TSAN_ACQUIRE(id) __tsan_acquire(static_cast<void *>(id))
#else
#define QRADIO_TSAN_RELEASE(id) static_cast<void>(id)
#define QRADIO_TSAN_ACQUIRE(id) static_cast<void>(id)
#endif
