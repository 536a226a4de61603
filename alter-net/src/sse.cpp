// SPDX-License-Identifier: MIT
#include "alter_net/sse.hpp"

namespace alter::net {

namespace {
void append_field(std::string &out, std::string_view name, std::string_view value) {
    out.append(name);
    out.append(": ");
    for (char c : value)
        if (c != '\r' && c != '\n') out.push_back(c);
    out.push_back('\n');
}
} // namespace

void format_sse_event(std::string &out, std::string_view data, std::string_view event,
                      std::string_view id) {
    if (!event.empty()) append_field(out, "event", event);
    if (!id.empty()) append_field(out, "id", id);
    size_t start = 0;
    for (size_t i = 0; i <= data.size(); ++i) {
        if (i < data.size() && data[i] != '\n' && data[i] != '\r') continue;
        out.append("data: ");
        out.append(data.substr(start, i - start));
        out.push_back('\n');
        if (i + 1 < data.size() && data[i] == '\r' && data[i + 1] == '\n') ++i;
        start = i + 1;
    }
    out.push_back('\n');
}

void format_sse_comment(std::string &out, std::string_view text) {
    out.append(": ");
    for (char c : text)
        if (c != '\r' && c != '\n') out.push_back(c);
    out.append("\n\n");
}

sse_parser::sse_parser(event_fn on_event, comment_fn on_comment, size_t max_event_bytes)
    : on_event_(std::move(on_event)), on_comment_(std::move(on_comment)), max_(max_event_bytes) {}

bool sse_parser::feed(std::string_view data) {
    size_t i = 0;
    while (i < data.size() && !stopped_) {
        if (skip_lf_) {
            skip_lf_ = false;
            if (data[i] == '\n') {
                ++i;
                continue;
            }
        }
        size_t end = data.find_first_of("\r\n", i);
        if (end == std::string_view::npos) {
            line_.append(data.substr(i));
            if (line_.size() + cur_.data.size() > max_) {
                too_large_ = stopped_ = true;
            }
            break;
        }
        std::string_view l = data.substr(i, end - i);
        if (!line_.empty()) {
            line_.append(l);
            l = line_;
        }
        skip_lf_ = data[end] == '\r';
        line(l);
        line_.clear();
        i = end + 1;
    }
    return !stopped_;
}

void sse_parser::line(std::string_view l) {
    if (l.empty()) { // dispatch
        if (has_data_) {
            if (!cur_.data.empty() && cur_.data.back() == '\n') cur_.data.pop_back();
            if (cur_.event.empty()) cur_.event = "message";
            cur_.id = last_id_;
            if (on_event_ && !on_event_(cur_)) stopped_ = true;
        }
        cur_.event.clear();
        cur_.data.clear();
        has_data_ = false;
        return;
    }
    if (l.front() == ':') {
        l.remove_prefix(1);
        if (!l.empty() && l.front() == ' ') l.remove_prefix(1);
        if (on_comment_ && !on_comment_(l)) stopped_ = true;
        return;
    }
    auto colon = l.find(':');
    std::string_view name = l.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
        value = l.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (name == "data") {
        if (cur_.data.size() + value.size() > max_) {
            too_large_ = stopped_ = true;
            return;
        }
        cur_.data.append(value);
        cur_.data.push_back('\n');
        has_data_ = true;
    } else if (name == "event") {
        cur_.event.assign(value);
    } else if (name == "id") {
        if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
    }
    // "retry" and unknown fields are ignored.
}

} // namespace alter::net
