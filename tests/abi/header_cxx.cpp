// SPDX-License-Identifier: MIT
// alter.h and the header-only C++ API compile as C++ with strict warnings.
#include <alter/alter.h>
#include <alter/alter.hpp>
#include <alter/json.hpp>

int main() {
    auto r = alter::cron_next("*/5 * * * *", std::chrono::system_clock::time_point(std::chrono::seconds(0)), 3);
    if (!r || r->size() != 3) return 1;
    auto bad = alter::cron_next("61 * * * *", std::chrono::system_clock::now(), 1);
    if (bad || bad.error().code != ALTER_EPARSE) return 1;
    return 0;
}
