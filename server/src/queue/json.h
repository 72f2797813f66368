// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QJsonValue>

namespace qradio::json {

//! Compact JSON (what Gradio's orjson emits).
QByteArray compact(const QJsonValue &value);
//! Python json.dumps formatting (", " and ": " separators, non-ASCII as \uXXXX): the /call
//! stream and a few byte-exact places use it.
QByteArray python(const QJsonValue &value);

//! Builds a JSON object with its keys in the order given: Gradio's messages have a fixed field
//! order, and QJsonObject would sort them.
class ObjectWriter
{
public:
    explicit ObjectWriter(bool pythonStyle = false) : m_python(pythonStyle) { m_out.reserve(128); m_out += '{'; }
    ObjectWriter &add(const char *key, const QJsonValue &value);
    //! Adds an already-serialised JSON value.
    ObjectWriter &addRaw(const char *key, const QByteArray &json);
    QByteArray finish() { return m_out + '}'; }

private:
    void key(const char *key);
    QByteArray m_out;
    bool m_python;
    bool m_first = true;
};

} // namespace qradio::json
