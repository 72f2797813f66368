// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArrayView>
#include <QtGlobal>

#include <functional>

namespace qradio::http {

//! The body of a request whose route reads it as it arrives (RouteFlag StreamedBody) instead
//! of receiving it whole: an upload goes to disk piece by piece. The connection pushes the
//! pieces on its thread; the route, answering on that same thread, sets a reader when it
//! runs. Pieces that arrive with no reader set are dropped (the route refused the request).
class RequestBody
{
public:
    explicit RequestBody(qint64 length) : m_length(length) {}

    //! `data` gets every piece from now on, `end` is called once the last has come, `failed`
    //! if the body will not come (too slow: the status and message to answer).
    void setReader(std::function<void(QByteArrayView)> data, std::function<void()> end,
                   std::function<void(int status, const QByteArray &message)> failed)
    {
        m_data = std::move(data);
        m_end = std::move(end);
        m_failed = std::move(failed);
        if (isComplete() && m_end)
            std::exchange(m_end, nullptr)();
    }
    //! Stops delivering (the route has answered, or gave up).
    void clearReader()
    {
        m_data = nullptr;
        m_end = nullptr;
        m_failed = nullptr;
    }
    qint64 length() const { return m_length; }
    qint64 received() const { return m_received; }
    bool isComplete() const { return m_received == m_length; }

    // The connection's side.
    void append(QByteArrayView piece)
    {
        m_received += piece.size();
        if (m_data)
            m_data(piece);
        if (isComplete() && m_end)
            std::exchange(m_end, nullptr)();
    }

    void fail(int status, const QByteArray &message)
    {
        m_data = nullptr;
        m_end = nullptr;
        if (auto failed = std::exchange(m_failed, nullptr))
            failed(status, message);
    }

private:
    qint64 m_length;
    qint64 m_received = 0;
    std::function<void(QByteArrayView)> m_data;
    std::function<void()> m_end;
    std::function<void(int, const QByteArray &)> m_failed;
};

} // namespace qradio::http
