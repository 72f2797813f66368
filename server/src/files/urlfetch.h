// SPDX-License-Identifier: MIT
#pragma once

#include "addresspolicy.h"

#include <qradio/server.h>

#include <QHash>
#include <QObject>

#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace qradio::files {

class FileStore;

//! A file input a call names by http(s) URL, and the parameter it belongs to.
struct RemoteFile
{
    QString url;
    QString parameter;
};

//! Downloads the files calls name by URL (both clients' handle_file(url), a URL in an MCP
//! tool's file argument) into fresh folders of the upload folder, for a client that cannot
//! reach this server's own files: Gradio downloads them the same way. Written on top of
//! QNetworkAccessManager with what it does not do for us: every address the host name resolves
//! to is checked against the AddressPolicy and the connection goes to the checked address (a
//! second lookup cannot swap it), each redirect is checked again, and the size and time are
//! bounded (ServerOptions::fileUrl*). No proxy, no cookies, no cache. Lives on one thread.
class UrlFetcher : public QObject
{
    Q_OBJECT
public:
    //! nullptr with `error` when ServerOptions::fileUrlNetworks holds an entry that is not a network.
    static std::unique_ptr<UrlFetcher> create(const ServerOptions &options, const FileStore &store, QString *error);
    ~UrlFetcher() override;

    //! Most URL files one call may name (0: URL inputs are refused).
    int maxPerCall() const { return m_perCall; }

    //! url → local path of what was fetched; on failure `parameter` and a sentence naming it.
    using Done = std::function<void(const QHash<QString, QString> &fetched, const QString &parameter, const QString &error)>;
    //! Fetches `files` one after another and calls `done` once, on this thread. Deleting the
    //! returned object stops the fetch without calling `done` and removes what it wrote.
    QObject *fetch(const QList<RemoteFile> &files, Done done);

private:
    UrlFetcher(const ServerOptions &options, const FileStore &store, AddressPolicy policy);
    friend class Download;

    const FileStore &m_store;
    const AddressPolicy m_policy;
    const int m_perCall;
    const qint64 m_maxSize;
    const std::chrono::milliseconds m_stallTimeout;
    const std::chrono::milliseconds m_timeout;
    QNetworkAccessManager *m_network;
};

} // namespace qradio::files
