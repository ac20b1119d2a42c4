-- The daily totals follow the orders per statement instead of per row: a statement that writes thousands of orders
-- (the indexer's batch, a reorg's undo) adds up its changes from the transition tables and touches each day's totals
-- once, where the row trigger of 0001 ran four statements per order. Same rule: an ended order counts once, on the
-- UTC day it ended, for its pile and its operator, under its currency; a total that falls to 0 sessions goes.
DROP TRIGGER orders_daily_totals ON orders;
--> statement-breakpoint
DROP FUNCTION chargechain_order_totals();
--> statement-breakpoint
DROP FUNCTION chargechain_add_totals(integer, text, timestamptz, text, integer, bigint, numeric);
--> statement-breakpoint
CREATE TYPE chargechain_totals_delta AS (
  pile_id integer, operator text, day date, currency text, sessions integer, energy_wh bigint, revenue numeric
);
--> statement-breakpoint
CREATE FUNCTION chargechain_add_totals(deltas chargechain_totals_delta[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO pile_daily_totals AS t (pile_id, day, currency, sessions, energy_wh, revenue)
  SELECT pile_id, day, currency, sum(sessions), sum(energy_wh), sum(revenue) FROM unnest(deltas)
  GROUP BY pile_id, day, currency
  HAVING sum(sessions) <> 0 OR sum(energy_wh) <> 0 OR sum(revenue) <> 0
  ON CONFLICT (pile_id, day, currency) DO UPDATE
    SET sessions = t.sessions + excluded.sessions,
        energy_wh = t.energy_wh + excluded.energy_wh,
        revenue = t.revenue + excluded.revenue;
  DELETE FROM pile_daily_totals t
  USING (SELECT DISTINCT pile_id, day, currency FROM unnest(deltas)) k
  WHERE t.pile_id = k.pile_id AND t.day = k.day AND t.currency IS NOT DISTINCT FROM k.currency AND t.sessions = 0;
  INSERT INTO operator_daily_totals AS t (operator, day, currency, sessions, energy_wh, revenue)
  SELECT operator, day, currency, sum(sessions), sum(energy_wh), sum(revenue) FROM unnest(deltas)
  GROUP BY operator, day, currency
  HAVING sum(sessions) <> 0 OR sum(energy_wh) <> 0 OR sum(revenue) <> 0
  ON CONFLICT (operator, day, currency) DO UPDATE
    SET sessions = t.sessions + excluded.sessions,
        energy_wh = t.energy_wh + excluded.energy_wh,
        revenue = t.revenue + excluded.revenue;
  DELETE FROM operator_daily_totals t
  USING (SELECT DISTINCT operator, day, currency FROM unnest(deltas)) k
  WHERE t.operator IS NOT DISTINCT FROM k.operator AND t.day = k.day AND t.currency IS NOT DISTINCT FROM k.currency
    AND t.sessions = 0;
$$;
--> statement-breakpoint
-- One function for the three triggers: an INSERT has only new rows, a DELETE only old ones, an UPDATE both (its old
-- figures come out, its new ones go in; an update that changes no figure cancels out).
CREATE FUNCTION chargechain_order_totals() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added chargechain_totals_delta[] := '{}';
  removed chargechain_totals_delta[] := '{}';
BEGIN
  IF TG_OP <> 'DELETE' THEN
    SELECT coalesce(array_agg(ROW(pile_id, operator, (ended_at AT TIME ZONE 'UTC')::date, currency, 1, energy_wh,
        coalesce(amount_received, 0))::chargechain_totals_delta), '{}')
      INTO added FROM new_rows WHERE ended_at IS NOT NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    SELECT coalesce(array_agg(ROW(pile_id, operator, (ended_at AT TIME ZONE 'UTC')::date, currency, -1, -energy_wh,
        -coalesce(amount_received, 0))::chargechain_totals_delta), '{}')
      INTO removed FROM old_rows WHERE ended_at IS NOT NULL;
  END IF;
  IF cardinality(added) + cardinality(removed) > 0 THEN
    PERFORM chargechain_add_totals(added || removed);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER orders_daily_totals_insert AFTER INSERT ON orders
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION chargechain_order_totals();
--> statement-breakpoint
CREATE TRIGGER orders_daily_totals_update AFTER UPDATE ON orders
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION chargechain_order_totals();
--> statement-breakpoint
CREATE TRIGGER orders_daily_totals_delete AFTER DELETE ON orders
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION chargechain_order_totals();
