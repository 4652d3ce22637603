-- Issue 15.3: the per-address login rule.
-- The per-address login rule counts an IPv6 client by its /64 (one household or office gets a whole
-- /64), an IPv4 client by its address. Older rows keep their address as the key.
ALTER TABLE login_events ADD COLUMN ip_key TEXT NOT NULL DEFAULT '';
UPDATE login_events SET ip_key = ip;
CREATE INDEX login_events_by_ip_key ON login_events (ip_key, at);
-- "Has this ID logged in from this address before?": the per-address rule lets such a pair through.
CREATE INDEX login_events_ok_by_login_id ON login_events (login_id, ip_key, at) WHERE reason = 'ok';

-- An attempt is recorded (as a failure) before its password check and settled after it; `pending`
-- marks one still being checked, so that the per-address rule can tell them from real failures.
ALTER TABLE login_events ADD COLUMN pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1));
