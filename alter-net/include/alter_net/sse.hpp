// SPDX-License-Identifier: MIT
// Server-Sent Events wire format: writing events (server side) and parsing a stream into
// events (clients), following the WHATWG event-stream rules.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace alter::net {

/// Append one event to `out`: "event: E\n" and "id: I\n" when not empty (CR/LF removed), then
/// one "data: " line per line of `data` (CRLF, CR and LF all split lines), then a blank line.
void format_sse_event(std::string &out, std::string_view data, std::string_view event = {},
                      std::string_view id = {});

/// Append a comment (": text\n\n"); clients ignore it. Used for keepalives.
void format_sse_comment(std::string &out, std::string_view text);

struct sse_event {
    std::string event; // "message" when the stream did not name it
    std::string data;  // data lines joined with '\n'
    std::string id;    // the last event id seen on the stream (sticky, as in browsers)
};

/// Incremental parser. Feed it the body bytes as they come, in any pieces.
class sse_parser {
public:
    /// Return false to stop parsing.
    using event_fn = std::function<bool(const sse_event &)>;
    using comment_fn = std::function<bool(std::string_view)>;

    explicit sse_parser(event_fn on_event, comment_fn on_comment = {},
                        size_t max_event_bytes = 4 * 1024 * 1024);

    /// Parse `data`. Returns false once a callback returned false or an event grew past
    /// max_event_bytes (the parser then stays stopped).
    bool feed(std::string_view data);
    [[nodiscard]] bool stopped() const noexcept { return stopped_; }
    [[nodiscard]] bool too_large() const noexcept { return too_large_; }

private:
    void line(std::string_view l);

    event_fn on_event_;
    comment_fn on_comment_;
    size_t max_;
    std::string line_;
    sse_event cur_;
    std::string last_id_;
    bool has_data_ = false;
    bool skip_lf_ = false;
    bool stopped_ = false;
    bool too_large_ = false;
};

} // namespace alter::net
