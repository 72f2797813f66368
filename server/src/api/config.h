// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/server.h>

#include <QJsonObject>

namespace qradio::api {

//! The public base URL for this request (protocol spec 1.2): from root_path, X-Forwarded-*,
//! X-Gradio-Server or the request itself; never cached.
QString computeRoot(const Request &request, const QString &routePath, const QString &rootPath);

//! GET /config for Server mode (spec section 2).
QJsonObject buildConfig(const QList<std::shared_ptr<const EndpointSpec>> &endpoints, const ServerOptions &options,
                        const QString &root, qint64 appId);

//! GET /gradio_api/info (spec section 3). `all` includes undocumented endpoints, without snippets.
QJsonObject buildInfo(const QList<std::shared_ptr<const EndpointSpec>> &endpoints, const QString &root, bool all);

//! The "Use via API" page shown at / when the app has no page of its own.
QString buildDocsPage(const QList<std::shared_ptr<const EndpointSpec>> &endpoints, const ServerOptions &options,
                      const QString &root);

//! The JSON Schema clients see for parameter / return `i`: a batch endpoint's element type,
//! a parameter's choices as an enum.
QJsonObject parameterSchema(const EndpointSpec &endpoint, qsizetype i);
QJsonObject returnSchema(const EndpointSpec &endpoint, qsizetype i);

//! "1st", "2nd", ...: Gradio labels api components by position.
QString ordinal(int n);

//! The protocol version we speak, as a PEP 440 string (clients compare it numerically).
inline constexpr char kGradioVersion[] = "6.25.0";

} // namespace qradio::api
