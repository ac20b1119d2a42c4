// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice What a pile charges. All prices in the currency's smallest unit.
struct Tariff {
    /// `address(0)` for the native coin, else an ERC-20 token.
    address currency;
    uint96 pricePerKWh;
    /// Per minute of charging, pro rata per second.
    uint96 pricePerMinute;
    /// Per minute of idling once the car is full (overstay), pro rata per second.
    uint96 idlePerMinute;
    /// Once per session.
    uint96 sessionFee;
}

/// @notice Everything a car agrees to when it opens a session at a pile; bound into the session by its hash.
struct Terms {
    /// Where earnings go (and a payment channel's recipient).
    address payout;
    /// The pile's hot key that settles.
    address agent;
    Tariff tariff;
    /// Energy the pile delivers ahead of the vouchers; caps a claim.
    uint32 creditWh;
}

/// @dev abi.encode(Terms): eight static words.
uint256 constant TERMS_SIZE = 8 * 32;

/// @notice What a session costs under a tariff, with one rounding, up: `sessionFee + ceil((energyWh·pricePerKWh·60
///         + (chargingSeconds·pricePerMinute + idleSeconds·idlePerMinute)·1000) / 60000)`.
/// @dev Takes the values as words so the settle path can pass them straight from calldata. Cannot overflow for values
///      within their types (prices uint96, energyWh uint64, seconds uint32): the largest term is below 2^166.
function tariffCostOf(
    uint256 pricePerKWh,
    uint256 pricePerMinute,
    uint256 idlePerMinute,
    uint256 sessionFee,
    uint256 energyWh,
    uint256 chargingSeconds,
    uint256 idleSeconds
) pure returns (uint256 cost) {
    unchecked {
        uint256 scaled =
            energyWh * pricePerKWh * 60 + (chargingSeconds * pricePerMinute + idleSeconds * idlePerMinute) * 1000;
        cost = sessionFee + (scaled + 59_999) / 60_000;
    }
}
