// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/http.h>

#include <QJsonArray>

class QJsonObject;

namespace qradio::http {

class Exchange;

//! FastAPI's answer to a request body that does not fit: 422 with one `detail` item.
Response validationError(const QString &type, const QJsonArray &loc, const QString &msg, const QJsonValue &input);

//! How a built-in route answers. Every response and stream head passes the server's CORS rule
//! and the after-request hooks on its way out; routes see nothing else of the server.
class Responder
{
public:
    //! Answers with a complete response.
    virtual void respond(Exchange *exchange, Response response) = 0;
    //! Starts a streamed response; the route then writes to the exchange and ends it. With a
    //! `contentLength` (>= 0) the body is exactly that long instead of chunked.
    virtual void beginStream(Exchange *exchange, Response head, qint64 contentLength = -1) = 0;
    //! Parses a JSON object body, or answers 422 the way FastAPI does and returns false.
    bool jsonBody(Exchange *exchange, QJsonObject *out);

protected:
    ~Responder() = default;
};

} // namespace qradio::http
