-- The agency registry: members of the Comisión Intersecretarial and other bodies that train.
-- Codes and CURPs, here and in later migrations, use the "C" collation: they are ASCII keys,
-- compared byte by byte whatever the cluster's locale, which makes joins, sorts and key checks
-- several times cheaper than a linguistic collation.
CREATE TABLE agency (
    code                text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[A-Z0-9_-]+$'),
    name                text NOT NULL CHECK (btrim(name) <> ''),
    government_order    text NOT NULL CHECK (government_order IN ('federal', 'estatal', 'municipal')),
    -- The two-letter state code used in CURPs; federal bodies have none.
    state               text CHECK (state ~ '^[A-Z]{2}$'),
    counts_in_indicator boolean NOT NULL DEFAULT false,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agency_state_matches_order CHECK ((government_order = 'federal') = (state IS NULL))
);

-- Former names and short forms, in the order the registry file gives them. Matching (case,
-- accents, punctuation) happens in the application, which holds the whole registry.
CREATE TABLE agency_former_name (
    agency_code text COLLATE "C" NOT NULL REFERENCES agency (code) ON UPDATE CASCADE ON DELETE CASCADE,
    name        text NOT NULL CHECK (btrim(name) <> ''),
    position    integer NOT NULL CHECK (position >= 0),
    PRIMARY KEY (agency_code, name)
);
