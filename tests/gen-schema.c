/* Print the JSON Schema of the report model (docs/report-schema-v1.json is its output). */
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

int main(void) {
        json_t *s = model_json_schema();
        char *text = s ? json_dumps(s, JSON_INDENT(2)) : NULL;

        if (!text)
                return 1;
        puts(text);
        free(text);
        json_decref(s);
        return 0;
}
