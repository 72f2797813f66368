// SPDX-License-Identifier: MIT
#pragma once

// The test class alone: moc reads this header, never the test bodies with their raw strings.

#include <qradio/server.h>

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>

#include <memory>

struct HttpReply
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QByteArray session;
    QJsonObject json; //!< the body, or the last message of an event stream
    QList<QJsonObject> events;
};

class tst_Mcp : public QObject
{
    Q_OBJECT

    std::unique_ptr<qradio::Server> server;
    QNetworkAccessManager nam;
    QString base;

    HttpReply http(const QByteArray &verb, const QString &path, const QByteArray &body = {},
                   const QList<QPair<QByteArray, QByteArray>> &headers = {});
    HttpReply rpc(const QString &method, const QJsonObject &params = {}, const QList<QPair<QByteArray, QByteArray>> &headers = {});
    QJsonObject call(const QString &tool, const QJsonObject &arguments = {});
    QJsonObject toolNamed(const QString &name);
    QString initializeSession();

private slots:
    void initTestCase();
    void cleanupTestCase();

    // ---- tools ------------------------------------------------------------------------------

    void listsMarkedEndpointsAndMcpOnlyTools();
    void inputSchemaFromTypedMetadata();
    void outputSchemaForStructuredResults();
    void resultsAsContent();
    void errorsAreIsErrorResults();
    void mcpOnlyToolsStayOffTheApi();

    // ---- resources --------------------------------------------------------------------------

    void listsResourcesAndTemplates();
    void readsResources();

    // ---- prompts ----------------------------------------------------------------------------

    void listsPrompts();
    void getsPrompts();
    void completes();

    // ---- sessions, logging, subscriptions ---------------------------------------------------

    void logMessagesFollowTheSessionLevel();
    void subscribedSessionsHearOfUpdates();
    void oversizedInitializeIsRefused();
    void subscriptionsAreBounded();
    void callsInFlightAreBounded();
    void newSessionsNeverEvictSessionsInUse();

    // ---- internals --------------------------------------------------------------------------

    void uriTemplates();
    void classifiesMessages();
    void negotiatesVersions();
};
