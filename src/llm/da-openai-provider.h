/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-provider.h"

G_BEGIN_DECLS

#define DA_TYPE_OPENAI_PROVIDER (da_openai_provider_get_type ())

G_DECLARE_FINAL_TYPE (DaOpenaiProvider, da_openai_provider, DA, OPENAI_PROVIDER, DaProvider)

DaProvider *da_openai_provider_new (const char *base_url);

G_END_DECLS
