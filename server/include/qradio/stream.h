// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/detail/outputs.h>

#include <QJsonArray>

namespace qradio {

//! A yield callback for plain (blocking) streaming functions.
//! \code
//! app.api("count", [](qradio::Stream<int> &out, int n) { for (int i = 1; i <= n; ++i) out(i); });
//! \endcode
//! The last value passed is the call's final result.
template<typename T>
class Stream
{
public:
    explicit Stream(detail::Emit push) : m_emit(std::move(push)) {}
    //! Sends `value` to the caller as the newest full value of the output(s).
    void operator()(const T &value)
    {
        m_last = detail::Outputs<T>::make(value);
        if (m_emit)
            m_emit(m_last);
    }
    void yield(const T &value) { (*this)(value); }
    //! The outputs of the last value sent (nulls if none).
    QJsonArray last() const { return m_last.isEmpty() ? detail::nullOutputs(detail::Outputs<T>::count) : m_last; }

private:
    detail::Emit m_emit;
    QJsonArray m_last;
};

} // namespace qradio
