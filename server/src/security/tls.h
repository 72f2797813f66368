// SPDX-License-Identifier: MIT
#pragma once

#include <QSslConfiguration>

#include <optional>

namespace qradio::security {

//! The server side of TLS: the certificate chain of `certFile` (PEM; the server's own first,
//! intermediates after it) and the private key of `keyFile` (PEM: RSA, EC or DSA, PKCS#1 or
//! PKCS#8, encrypted with `password` or not), TLS 1.2 or later, no client certificates.
//! Nullopt with `error` set to a sentence naming the file when a file is missing or unreadable,
//! holds no certificate or key, the key needs a password or the password is wrong, or the key
//! does not belong to the certificate (found by setting up a TLS context, as a handshake would).
std::optional<QSslConfiguration> loadServerTls(const QString &certFile, const QString &keyFile,
                                               const QString &password, QString *error);

} // namespace qradio::security
