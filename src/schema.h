/* The JSON schema of the report, embedded at build time from schema/report-v1.schema.json. */
#pragma once

extern const char rthc_schema_json[];
