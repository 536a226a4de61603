// SPDX-License-Identifier: MIT
// The per-thread "last error" behind alter_last_error() / alter_last_error_json().
#pragma once

#include "common/result.hpp"

namespace alter::detail {

/// Record `e` as this thread's last error and return its code (< 0).
int set_last_error(const error &e);
/// The JSON form of an error ({"code":"ESPEC","message":...}).
std::string error_json(const error &e);

} // namespace alter::detail
