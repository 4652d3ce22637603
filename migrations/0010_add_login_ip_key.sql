-- Issue 15.3: the per-address login rule.
-- The per-address login rule counts an IPv6 client by its /64 (one household or office gets a whole
-- /64), an IPv4 client by its address. Older rows keep their address as the key.
ALTER TABLE login_events ADD COLUMN ip_key TEXT NOT NULL DEFAULT '';
UPDATE login_events SET ip_key = ip;
CREATE INDEX login_events_by_ip_key ON login_events (ip_key, at);
-- "Has this ID logged in from this address before?": the per-address rule lets such a pair through.
CREATE INDEX login_events_ok_by_login_id ON login_events (login_id, ip_key, at) WHERE reason = 'ok';

