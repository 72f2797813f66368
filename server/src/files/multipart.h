// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <functional>
#include <optional>

namespace qradio::files {

//! A push parser for a multipart/form-data body (RFC 7578 over RFC 2046), fed the bytes of a
//! request body as they arrive. It never holds a part's data: data reaches partData() as views
//! of the bytes fed (or of the delimiter, for bytes that only looked like one), so memory stays
//! flat however large a file is. What it holds is the part headers it is reading (within
//! Limits::maxHeaderBytes) and, while data streams, nothing: bytes that may start a delimiter are
//! counted, not copied (see bufferedBytes()).
//!
//! \code
//! MultipartParser parser(*boundary, {.maxFileBytes = maxFileSize},
//!     {.partBegin = [&](const MultipartParser::Part &part) { if (part.isFile()) open(part); },
//!      .partData = [&](QByteArrayView data) { if (!write(data)) parser.raiseError(500, "Disk full."); },
//!      .partEnd = [&] { close(); }});
//! // for each read: if (!parser.feed(bytes)) answer(parser.errorStatus(), parser.errorMessage());
//! // at the end of the body: if (!parser.finish()) answer(...);
//! \endcode
//!
//! What it accepts, and why it refuses the rest:
//! - the preamble before the first boundary and everything after the closing one are ignored;
//!   a body that is only the closing boundary is an empty form (what an empty FormData sends);
//! - lines end in CRLF, nothing else. A delimiter is CRLF "--" boundary: LF "--" boundary is
//!   part data (the bytes could as well be a file's), so a body with bare LF line ends never
//!   closes its first part and fails at its end; part header lines ending in a bare LF or CR are
//!   refused rather than tolerated;
//! - part header names are case-insensitive; folded lines, control characters (HT aside), a
//!   repeated Content-Disposition or Content-Type, or a repeated parameter are refused, so no
//!   two readers can see different parts;
//! - after "CRLF--boundary", a space, tab, CR or '-' makes it a delimiter (anything malformed
//!   after that is an error); any other byte makes those bytes part data (so does Gradio's
//!   parser, which knows no transport padding);
//! - a part needs `Content-Disposition: form-data; name=...`; `filename` (or `filename*`,
//!   which wins, RFC 6266 §4.3) makes it a file.
//!
//! Errors carry an HTTP status and a text/plain message, Gradio's texts where Gradio has one.
//! 413 is used for every "exceeded maximum allowed size" (Gradio's rule, its parser answers 413
//! whenever the message says so), including the field limit Gradio does not have.
class MultipartParser
{
public:
    struct Limits
    {
        int maxFiles = 1000;                   //!< parts with a filename (Gradio: 1000)
        int maxFields = 1000;                  //!< parts without one (Gradio: 1000)
        //! Per part, counted as Gradio does: header names and values, without the colon, the
        //! whitespace after it and the line ends.
        int maxHeaderBytes = 8192;
        qint64 maxFieldBytes = 1024 * 1024;    //!< data of a part without a filename
        qint64 maxFileBytes = -1;              //!< data of a file part; -1: unlimited
    };

    //! A part, as its headers describe it.
    struct Part
    {
        QByteArray name;                       //!< the field name, unquoted (UTF-8 in practice)
        //! Present for a file part (possibly empty): the raw name as sent, unquoted, with
        //! `\"` and `\\` unescaped (other backslashes are kept: browsers send them as they are),
        //! or from `filename*=` percent-decoded and converted to UTF-8. Not sanitised.
        std::optional<QByteArray> fileName;
        QByteArray contentType;                //!< the part's Content-Type, trimmed; empty if absent
        bool isFile() const { return fileName.has_value(); }
    };

    //! Called synchronously from feed(). A callback may call raiseError() (a disk error, a
    //! refused file name): the parse stops there and no further callback is made. None may call
    //! feed() or finish(), nor throw.
    struct Callbacks
    {
        std::function<void(const Part &)> partBegin;
        //! Part data, in one or more calls per part; the view is valid during the call only.
        std::function<void(QByteArrayView)> partData;
        //! The part's closing delimiter was seen. A part cut short by an error gets no partEnd.
        std::function<void()> partEnd;
    };

    //! The boundary without its leading "--". An invalid boundary (see isValidBoundary()) makes
    //! a parser that has already failed with 400.
    MultipartParser(QByteArray boundary, Limits limits, Callbacks callbacks);

    //! The boundary of `multipart/form-data; boundary=...` (type and parameter names
    //! case-insensitive, the value quoted or not, other parameters allowed); nullopt for
    //! another type, a missing, repeated or invalid boundary, or a malformed header.
    static std::optional<QByteArray> boundaryFromContentType(QByteArrayView contentType);
    //! RFC 2046 §5.1.1: 1 to 70 characters, each a letter, a digit, a space or one of
    //! `' ( ) + _ , - . / : = ?`, the last not a space.
    static bool isValidBoundary(QByteArrayView boundary);

    //! Parses the next bytes of the body; false once the parse has failed (then see errorStatus()).
    bool feed(QByteArrayView bytes);
    //! Call at the end of the body: false (and a 400) unless the closing boundary was seen.
    bool finish();
    //! Fails the parse with `status` and a text/plain `message`; the first error stays.
    void raiseError(int status, QByteArray message);

    bool hasError() const { return m_state == State::Failed; }
    int errorStatus() const { return m_errorStatus; }
    const QByteArray &errorMessage() const { return m_errorMessage; }
    //! Whether the closing boundary has been seen (the rest of the body is ignored).
    bool isComplete() const { return m_state == State::Epilogue; }
    //! Bytes received and not yet passed on or discarded, plus the header bytes kept for the
    //! part being started: at most the delimiter's length (boundary + 4) while data streams.
    qsizetype bufferedBytes() const;

private:
    enum class State {
        Preamble,     //!< before the first delimiter
        Delimiter,    //!< right after "--boundary": '-', padding or CRLF follows
        Padding,      //!< transport padding after a delimiter
        DelimiterLf,  //!< the CR after a delimiter was seen
        CloseDash,    //!< one '-' after the boundary was seen
        Headers,      //!< a part's header lines
        Data,         //!< a part's data
        Epilogue,     //!< after the closing delimiter: ignored
        Failed,
    };

    qsizetype scanForDelimiter(QByteArrayView bytes, qsizetype at);
    void deliver(QByteArrayView data);
    void headerByte(char c);
    void headerLine();
    void beginPart();

    QByteArray m_delimiter; //!< "\r\n--" + boundary; '\r' occurs only at its start
    Limits m_limits;
    Callbacks m_callbacks;
    State m_state = State::Preamble;
    qsizetype m_matched = 2; //!< bytes of m_delimiter matched; the body's start counts as a CRLF

    QByteArray m_line;       //!< the header line being read, without OWS after its colon
    bool m_lineHasColon = false;
    bool m_skippingOws = false; //!< right after the line's colon
    bool m_lineSawCr = false;
    qint64 m_headerBytes = 0;
    std::optional<QByteArray> m_disposition;
    std::optional<QByteArray> m_contentType;

    bool m_partIsFile = false;
    qint64 m_partBytes = 0;
    int m_files = 0;
    int m_fields = 0;

    int m_errorStatus = 0;
    QByteArray m_errorMessage;
};

} // namespace qradio::files
