#!/bin/sh
# claude-telemetry for Apache: the CGI program (mod_cgi/mod_cgid) or, copied or linked as
# claude-telemetry.fcgi, the FastCGI program (mod_fcgid). Edit the two paths, then
#   chmod 0755 claude-telemetry.cgi
# See docs/deployment.md ("Apache").
#
# - The data directory must be outside the document root (aggregate.json is private) and
#   writable by the user the script runs as: the account's user under suEXEC (shared hosting),
#   otherwise Apache's User (www-data). Create users with the admin tool as that same user.
# - As CGI, one process serves one request and exits. Under mod_fcgid, fd 0 is the FastCGI
#   listening socket and one process serves many requests, one at a time (mod_fcgid sends a
#   process one request at a time, hence --threads 1; it starts more processes under load).
# - No "$@": Apache passes a query string without '=' to a CGI program as command-line
#   arguments (RFC 3875, 4.4), which must not reach the responder's option parser.
exec /home/USER/claude-telemetry/bin/claude-telemetry-fcgi \
  --data-dir /home/USER/claude-telemetry/data \
  --threads 1
