// SPDX-License-Identifier: MIT
#pragma once

//! \file error.h
//! Errors an endpoint raises on purpose, shown to the caller (Gradio's gr.Error).

#include <QString>

#include <exception>

namespace qradio {

//! A user-visible error: its message reaches the client whatever `showError` says.
//! \code
//! app.api("fail", [](QString x) -> QString { throw qradio::Error("boom: " + x); });
//! \endcode
//! Any other exception is an internal error: clients see `{"error": null}` unless the server
//! runs with `showError`, when they see its `what()`.
class Error : public std::exception
{
public:
    explicit Error(QString message, QString title = QStringLiteral("Error"), double duration = 10,
                   bool visible = true)
        : m_message(std::move(message)), m_title(std::move(title)), m_duration(duration),
          m_visible(visible), m_what(m_message.toUtf8())
    {}
    const QString &message() const noexcept { return m_message; }
    const QString &title() const noexcept { return m_title; }
    double duration() const noexcept { return m_duration; }
    bool visible() const noexcept { return m_visible; }
    const char *what() const noexcept override { return m_what.constData(); }

private:
    QString m_message;
    QString m_title;
    double m_duration;
    bool m_visible;
    QByteArray m_what;
};

//! Raised when a call's arguments do not match the endpoint's parameters.
class ArgumentError : public Error
{
public:
    ArgumentError(QString parameter, const QString &message)
        : Error(message), m_parameter(std::move(parameter))
    {}
    //! The parameter's name, or empty when the error is about the argument count.
    const QString &parameter() const noexcept { return m_parameter; }

private:
    QString m_parameter;
};

//! Thrown into a running endpoint's context when its job was cancelled (see Context::checkCancelled).
class Cancelled : public std::exception
{
public:
    const char *what() const noexcept override { return "cancelled"; }
};

} // namespace qradio
