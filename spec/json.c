/* placeholder: the JSON layer is being written */
#include "json.h"
