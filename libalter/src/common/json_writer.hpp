// SPDX-License-Identifier: MIT
// The JSON writer lives in the public headers (alter/json.hpp); this name is kept for internal code.
#pragma once
#include "alter/json.hpp"
