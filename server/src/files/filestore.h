// SPDX-License-Identifier: MIT
#pragma once

#include "filepolicy.h"

#include <qradio/server.h>

#include <chrono>

namespace qradio::files {

//! The server's file folder: `upload/` for what clients send, `cache/` for files copied out of
//! results, and the policy deciding what GET /gradio_api/file= may serve. Read-only once made,
//! so any thread may use it.
class FileStore
{
public:
    //! Creates the folders (ServerOptions::fileDir, or a private one under the temp folder).
    explicit FileStore(const ServerOptions &options);
    //! Removes the folder if it was made private for this run.
    ~FileStore();
    FileStore(const FileStore &) = delete;
    FileStore &operator=(const FileStore &) = delete;

    //! False (with errorString()) when the folders could not be made.
    bool isValid() const { return m_error.isEmpty(); }
    QString errorString() const { return m_error; }
    //! What GET /gradio_api/file= serves and what file arguments may name (uploads and results).
    const FilePolicy &policy() const { return m_policy; }
    //! What an endpoint may return: the file folder (as is), and the temp folder and
    //! allowedPaths (reported as Root::Allowed: copied into the cache).
    const FilePolicy &resultPolicy() const { return m_resultPolicy; }
    //! Deletes the uploads and results (each a folder of its own) last changed `age` ago or
    //! longer; returns how many. Zero age: all of them.
    int sweep(std::chrono::seconds age) const;
    QString uploadDir() const { return m_policy.uploadDir(); }
    QString cacheDir() const { return m_policy.cacheDir(); }

private:
    QString m_privateRoot; //!< removed at destruction; empty when the folder is the user's
    QString m_error;
    FilePolicy m_policy;
    FilePolicy m_resultPolicy;
};

} // namespace qradio::files
