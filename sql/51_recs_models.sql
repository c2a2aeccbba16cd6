-- Trained models and what they serve from. Every training run is a new version of a named model;
-- exactly one version of a name is active (served by default), others are shadow (trained and
-- queryable by model_id for comparison) or retired. A model's items live in
-- commerce.model_neighbors as one row per (relation, item) holding parallel arrays, which keeps
-- a 20,000-item model at a few tens of thousands of rows and one index probe per history item.
CREATE TABLE commerce.models (
  model_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (name <> ''),
  kind text NOT NULL CHECK (kind IN ('ease', 'cooccurrence')),
  version integer NOT NULL,
  trained_at timestamptz NOT NULL DEFAULT now(),
  params jsonb NOT NULL DEFAULT '{}',
  metrics jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'shadow' CHECK (status IN ('active', 'shadow', 'retired')),
  UNIQUE (name, version)
);
CREATE UNIQUE INDEX models_one_active ON commerce.models (name) WHERE status = 'active';

-- relation: 'collaborative' (EASE or co-occurrence, what the user's history suggests),
-- 'transition' (what follows this item), 'similar' (viewed or bought with it, cosine),
-- 'bought_together' (purchased in the same history, cosine over purchases only).
CREATE TABLE commerce.model_neighbors (
  model_id bigint NOT NULL REFERENCES commerce.models ON DELETE CASCADE,
  relation text NOT NULL
    CHECK (relation IN ('collaborative', 'transition', 'similar', 'bought_together')),
  product_id bigint NOT NULL,
  neighbors bigint[] NOT NULL,
  weights real[] NOT NULL,
  PRIMARY KEY (model_id, relation, product_id),
  CHECK (cardinality(neighbors) = cardinality(weights))
);

-- Popularity per model: global (segment '') and per cold-start context segment, time-decayed at
-- training time. Stage 2 falls back to it when a history says nothing.
CREATE TABLE commerce.model_popularity (
  model_id bigint NOT NULL REFERENCES commerce.models ON DELETE CASCADE,
  segment text NOT NULL,
  product_id bigint NOT NULL,
  score real NOT NULL,
  PRIMARY KEY (model_id, segment, product_id)
);
CREATE INDEX model_popularity_rank ON commerce.model_popularity (model_id, segment, score DESC);

-- Makes one version the active one of its name; the previous active version becomes shadow.
CREATE FUNCTION commerce.activate_model(model_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  model_name text;
BEGIN
  SELECT m.name INTO model_name FROM commerce.models m WHERE m.model_id = activate_model.model_id
    FOR UPDATE;
  IF model_name IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('model %s does not exist', model_id),
      HINT = 'See commerce.models for the trained versions.';
  END IF;
  UPDATE commerce.models m SET status = 'shadow'
    WHERE m.name = model_name AND m.status = 'active' AND m.model_id <> activate_model.model_id;
  UPDATE commerce.models m SET status = 'active' WHERE m.model_id = activate_model.model_id;
END
$$;

-- Retires a version and deletes what it served from (the commerce.models row stays as history).
CREATE FUNCTION commerce.retire_model(model_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE commerce.models m SET status = 'retired' WHERE m.model_id = retire_model.model_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('model %s does not exist', model_id),
      HINT = 'See commerce.models for the trained versions.';
  END IF;
  DELETE FROM commerce.model_neighbors n WHERE n.model_id = retire_model.model_id;
  DELETE FROM commerce.model_popularity p WHERE p.model_id = retire_model.model_id;
END
$$;
