-- Daily totals follow the orders: an ended order counts once, on the UTC day it ended, for its pile and its
-- operator, under its currency. Any change to an order (indexer, OCPP, a reorg's undo) takes the old figures out
-- and puts the new ones in, in the same transaction, so the totals never drift from the orders.
CREATE FUNCTION chargechain_add_totals(
  p_pile integer, p_operator text, p_ended timestamptz, p_currency text,
  p_sessions integer, p_energy bigint, p_revenue numeric
) RETURNS void LANGUAGE sql AS $$
  INSERT INTO pile_daily_totals AS t (pile_id, day, currency, sessions, energy_wh, revenue)
  VALUES (p_pile, (p_ended AT TIME ZONE 'UTC')::date, p_currency, p_sessions, p_energy, p_revenue)
  ON CONFLICT (pile_id, day, currency) DO UPDATE
    SET sessions = t.sessions + excluded.sessions,
        energy_wh = t.energy_wh + excluded.energy_wh,
        revenue = t.revenue + excluded.revenue;
  DELETE FROM pile_daily_totals
  WHERE pile_id = p_pile AND day = (p_ended AT TIME ZONE 'UTC')::date
    AND currency IS NOT DISTINCT FROM p_currency AND sessions = 0;
  INSERT INTO operator_daily_totals AS t (operator, day, currency, sessions, energy_wh, revenue)
  VALUES (p_operator, (p_ended AT TIME ZONE 'UTC')::date, p_currency, p_sessions, p_energy, p_revenue)
  ON CONFLICT (operator, day, currency) DO UPDATE
    SET sessions = t.sessions + excluded.sessions,
        energy_wh = t.energy_wh + excluded.energy_wh,
        revenue = t.revenue + excluded.revenue;
  DELETE FROM operator_daily_totals
  WHERE operator IS NOT DISTINCT FROM p_operator AND day = (p_ended AT TIME ZONE 'UTC')::date
    AND currency IS NOT DISTINCT FROM p_currency AND sessions = 0;
$$;
--> statement-breakpoint
CREATE FUNCTION chargechain_order_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND (OLD.ended_at, OLD.pile_id, OLD.operator, OLD.currency, OLD.energy_wh, OLD.amount_received)
         IS NOT DISTINCT FROM
         (NEW.ended_at, NEW.pile_id, NEW.operator, NEW.currency, NEW.energy_wh, NEW.amount_received) THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' AND OLD.ended_at IS NOT NULL THEN
    PERFORM chargechain_add_totals(OLD.pile_id, OLD.operator, OLD.ended_at, OLD.currency,
      -1, -OLD.energy_wh, -coalesce(OLD.amount_received, 0));
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.ended_at IS NOT NULL THEN
    PERFORM chargechain_add_totals(NEW.pile_id, NEW.operator, NEW.ended_at, NEW.currency,
      1, NEW.energy_wh, coalesce(NEW.amount_received, 0));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER orders_daily_totals
AFTER INSERT OR DELETE OR UPDATE OF ended_at, pile_id, operator, currency, energy_wh, amount_received ON orders
FOR EACH ROW EXECUTE FUNCTION chargechain_order_totals();
