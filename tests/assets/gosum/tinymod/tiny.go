package tiny

import _ "golang.org/x/mod/semver"
