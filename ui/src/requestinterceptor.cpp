// SPDX-License-Identifier: MIT
#include "requestinterceptor.h"

#include "urlpolicy.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcRequests, "qradio.desktop.requests", QtInfoMsg)

namespace qradio::detail {

RequestInterceptor::RequestInterceptor(QUrl gradioClientUrl, QObject *parent)
    : QWebEngineUrlRequestInterceptor(parent), m_gradioClientUrl(std::move(gradioClientUrl))
{}

void RequestInterceptor::interceptRequest(QWebEngineUrlRequestInfo &info)
{
    const QUrl url = info.requestUrl();
    if (m_gradioClientUrl.isValid() && isGradioClientCdnUrl(url)) {
        qCDebug(lcRequests) << "serving" << url.toDisplayString() << "from" << m_gradioClientUrl.toDisplayString();
        info.redirect(m_gradioClientUrl);
    }
}

} // namespace qradio::detail
