// SPDX-License-Identifier: MIT
#pragma once

#include <QWebEngineUrlRequestInterceptor>

namespace qradio::detail {

//! Answers imports of @gradio/client from a CDN with the copy the app's server bundles, so pages
//! written for Gradio work offline. The redirect happens inside Chromium before any network
//! access, and a module script keeps its origin across it.
class RequestInterceptor : public QWebEngineUrlRequestInterceptor
{
    Q_OBJECT
public:
    RequestInterceptor(QUrl gradioClientUrl, QObject *parent = nullptr);
    void interceptRequest(QWebEngineUrlRequestInfo &info) override;

private:
    const QUrl m_gradioClientUrl;
};

} // namespace qradio::detail
