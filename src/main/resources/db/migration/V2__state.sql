-- certfleet's shared state (issue 8): what the state directory holds for one instance, here for all of
-- them. Private keys are stored only sealed with AES-256-GCM (cluster.encryption-key, never stored here);
-- certificates and chains are public data and stored as PEM text.

-- One row per lineage: its current version (NULL until one is made current) and its renewal metadata
-- (attempts, back-off, ARI window, what each node holds) as the JSON the state directory keeps in
-- meta/<name>.json (text, byte for byte what Jackson wrote). The row is also what writers of a lineage
-- lock (SELECT ... FOR UPDATE).
CREATE TABLE certfleet_lineage (
  name            TEXT PRIMARY KEY,
  current_version INTEGER,
  metadata        TEXT,
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every version of every lineage, never rewritten. privkey_sealed is bound to (name, version, column)
-- by the associated data, so a value copied to another row does not decrypt.
CREATE TABLE certfleet_lineage_version (
  name           TEXT NOT NULL REFERENCES certfleet_lineage (name),
  version        INTEGER NOT NULL CHECK (version > 0),
  fullchain_pem  TEXT NOT NULL,
  privkey_sealed BYTEA NOT NULL,
  sha256         TEXT NOT NULL,
  serial         TEXT NOT NULL,
  not_after      TIMESTAMPTZ NOT NULL,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (name, version)
);

ALTER TABLE certfleet_lineage ADD CONSTRAINT certfleet_lineage_current_fk
  FOREIGN KEY (name, current_version) REFERENCES certfleet_lineage_version (name, version)
  DEFERRABLE INITIALLY DEFERRED;

-- The ACME account per CA directory: its key (sealed, bound to the directory URL) and, once created,
-- its URL.
CREATE TABLE certfleet_acme_account (
  directory  TEXT PRIMARY KEY,
  key_sealed BYTEA NOT NULL,
  location   TEXT,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Orders in flight per certificate, with the new key from before finalization until the certificate
-- is stored (sealed, bound to the certificate and the order URL).
CREATE TABLE certfleet_acme_order (
  name       TEXT PRIMARY KEY,
  location   TEXT NOT NULL,
  key_sealed BYTEA,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The alert book: open problems, which channel confirmed what, and the outbox, as the JSON the state
-- directory keeps in alerts.json. One row; a session advisory lock serialises its users.
CREATE TABLE certfleet_alert_state (
  id         SMALLINT PRIMARY KEY CHECK (id = 1),
  state      TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- An alert state that no longer parsed, kept for a human before the book started empty.
CREATE TABLE certfleet_alert_state_corrupt (
  id       BIGSERIAL PRIMARY KEY,
  state    TEXT NOT NULL,
  error    TEXT NOT NULL,
  moved_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every change on a node, appended, never rewritten; id orders the entries.
CREATE TABLE certfleet_audit (
  id          BIGSERIAL PRIMARY KEY,
  time        TIMESTAMPTZ NOT NULL,
  action      TEXT NOT NULL,
  cert        TEXT NOT NULL,
  node        TEXT NOT NULL,
  file        TEXT,
  from_value  TEXT,
  to_value    TEXT,
  command     TEXT,
  result      TEXT NOT NULL
);
