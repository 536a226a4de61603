// SPDX-License-Identifier: MIT
// SHA-256 (FIPS 180-4), for storing session tokens as hashes: a 256-bit random token needs no
// slow hash, only one that cannot be inverted. No dependency (libargon2 keeps its BLAKE2b private).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace alter_web {

[[nodiscard]] std::array<uint8_t, 32> sha256(std::string_view data) noexcept;
/// Lower-case hex of sha256(data).
[[nodiscard]] std::string sha256_hex(std::string_view data);

} // namespace alter_web
