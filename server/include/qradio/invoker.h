// SPDX-License-Identifier: MIT
#pragma once

//! \file invoker.h
//! Turns a typed C++ callable into a type-erased endpoint body. You rarely include this
//! directly: Server::api() does it. The callable may be
//!  - a plain function `R f(Args...)`, run on the endpoint's worker pool;
//!  - a plain function taking `qradio::Stream<T> &`, which streams every value it passes to it;
//!  - a coroutine returning `QCoro::Task<R>` or `QCoro::AsyncGenerator<T>`, run on the network
//!    thread (it must co_await, never block).
//! Any parameter may be `qradio::Context &`; it is injected, not an API parameter.
//! `R` may be void (no outputs), one API type, or a std::tuple of API types (one output each).

#include <qradio/detail/invoker.h>
#include <qradio/stream.h>
