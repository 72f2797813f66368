// SPDX-License-Identifier: MIT
#pragma once

// The character rules of HTTP (RFC 9110 §5.6) shared by the parsers that meet a client's bytes:
// the request framer, the multipart parser, the file routes' header and path parsing.

#include <QByteArrayView>

namespace qradio::http {

//! Optional whitespace: space or horizontal tab.
inline bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

//! A tchar: a letter, a digit or one of !#$%&'*+-.^_`|~.
inline bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

//! One or more tchars.
inline bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s)
        if (!isTokenChar(c))
            return false;
    return true;
}

//! `s` without leading and trailing optional whitespace.
inline QByteArrayView trimmedOws(QByteArrayView s)
{
    while (!s.isEmpty() && isOws(s.front()))
        s = s.sliced(1);
    while (!s.isEmpty() && isOws(s.back()))
        s.chop(1);
    return s;
}

//! The value of a hexadecimal digit, or -1.
inline int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace qradio::http
