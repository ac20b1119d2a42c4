// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title PileRegistry
/// @notice Charging piles, their owners, payout addresses, hot agent keys, tariffs and free vehicles.
/// @dev Every change emits an event carrying the new values, so an indexer can rebuild the registry from events alone.
contract PileRegistry {
    /// @dev Packed so the escrow's read of (payout, price, agent, currency) touches three slots.
    struct Pile {
        address owner;
        /// Bumped on every transfer; free vehicles are keyed by it so the previous owner's cars lose their status.
        uint96 generation;
        address payout;
        uint96 pricePerKWh;
        address agent;
        address currency;
    }

    mapping(bytes32 pileId => Pile) private piles;
    mapping(bytes32 pileId => mapping(uint96 generation => mapping(address vehicle => bool))) private freeVehicles;

    event PileRegistered(
        bytes32 indexed pileId,
        address indexed owner,
        address payout,
        address agent,
        address currency,
        uint96 pricePerKWh
    );
    event PileTariffChanged(bytes32 indexed pileId, address currency, uint96 pricePerKWh);
    event PilePayoutChanged(bytes32 indexed pileId, address payout);
    event PileAgentChanged(bytes32 indexed pileId, address agent);
    event FreeVehicleSet(bytes32 indexed pileId, address indexed vehicle, bool free);
    event PileTransferred(
        bytes32 indexed pileId,
        address indexed previousOwner,
        address indexed newOwner,
        address payout,
        address agent,
        uint96 generation
    );

    error UnknownPile(bytes32 pileId);
    error PileExists(bytes32 pileId);
    error NotPileOwner(bytes32 pileId, address caller);
    error ZeroAddress();

    modifier onlyOwner(bytes32 pileId) {
        address owner = piles[pileId].owner;
        if (owner == address(0)) revert UnknownPile(pileId);
        if (owner != msg.sender) revert NotPileOwner(pileId, msg.sender);
        _;
    }

    /// @notice Registers a new pile owned by the caller.
    /// @param pileId The management system's device id (DMID), hashed or packed by the client.
    /// @param payout Where the pile's earnings go; payment channels are opened with this address.
    /// @param agent The pile's hot key, allowed to settle sessions for it.
    /// @param currency `address(0)` for the native coin, else an ERC-20 token.
    /// @param pricePerKWh Price in the currency's smallest unit per kWh.
    function registerPile(bytes32 pileId, address payout, address agent, address currency, uint96 pricePerKWh)
        external
    {
        if (piles[pileId].owner != address(0)) revert PileExists(pileId);
        if (payout == address(0) || agent == address(0)) revert ZeroAddress();
        piles[pileId] = Pile(msg.sender, 0, payout, pricePerKWh, agent, currency);
        emit PileRegistered(pileId, msg.sender, payout, agent, currency, pricePerKWh);
    }

    /// @notice Changes the pile's currency and price; sessions already open keep the tariff they were opened with.
    function setTariff(bytes32 pileId, address currency, uint96 pricePerKWh) external onlyOwner(pileId) {
        Pile storage pile = piles[pileId];
        pile.currency = currency;
        pile.pricePerKWh = pricePerKWh;
        emit PileTariffChanged(pileId, currency, pricePerKWh);
    }

    /// @notice Changes where the pile's earnings go (for sessions opened from now on).
    function setPayout(bytes32 pileId, address payout) external onlyOwner(pileId) {
        if (payout == address(0)) revert ZeroAddress();
        piles[pileId].payout = payout;
        emit PilePayoutChanged(pileId, payout);
    }

    /// @notice Replaces the pile's hot agent key (for sessions opened from now on), e.g. after the Pi is lost.
    function setAgent(bytes32 pileId, address agent) external onlyOwner(pileId) {
        if (agent == address(0)) revert ZeroAddress();
        piles[pileId].agent = agent;
        emit PileAgentChanged(pileId, agent);
    }

    /// @notice Adds and removes the owner's own cars, which charge at this pile for free.
    /// @param add Vehicles that become free; @param remove Vehicles that stop being free (applied after `add`).
    function setFreeVehicles(bytes32 pileId, address[] calldata add, address[] calldata remove)
        external
        onlyOwner(pileId)
    {
        mapping(address => bool) storage free = freeVehicles[pileId][piles[pileId].generation];
        for (uint256 i; i < add.length; ++i) {
            if (add[i] == address(0)) revert ZeroAddress();
            free[add[i]] = true;
            emit FreeVehicleSet(pileId, add[i], true);
        }
        for (uint256 i; i < remove.length; ++i) {
            free[remove[i]] = false;
            emit FreeVehicleSet(pileId, remove[i], false);
        }
    }

    /// @notice Hands the pile to a new owner with its new payout and agent in one step; the free-vehicle list
    ///         starts empty for the new owner.
    function transferPile(bytes32 pileId, address newOwner, address payout, address agent)
        external
        onlyOwner(pileId)
    {
        if (newOwner == address(0) || payout == address(0) || agent == address(0)) revert ZeroAddress();
        Pile storage pile = piles[pileId];
        uint96 generation = pile.generation + 1;
        pile.owner = newOwner;
        pile.generation = generation;
        pile.payout = payout;
        pile.agent = agent;
        emit PileTransferred(pileId, msg.sender, newOwner, payout, agent, generation);
    }

    /// @notice The pile's full record; reverts with `UnknownPile` if it was never registered.
    function getPile(bytes32 pileId) external view returns (Pile memory pile) {
        pile = piles[pileId];
        if (pile.owner == address(0)) revert UnknownPile(pileId);
    }

    /// @notice What a session opened now would be fixed to; three storage reads, for the escrow.
    function sessionTerms(bytes32 pileId)
        external
        view
        returns (address payout, uint96 pricePerKWh, address agent, address currency)
    {
        Pile storage pile = piles[pileId];
        payout = pile.payout;
        if (payout == address(0)) revert UnknownPile(pileId);
        return (payout, pile.pricePerKWh, pile.agent, pile.currency);
    }

    /// @notice True for the pile's owner and the cars the current owner listed.
    function isFreeVehicle(bytes32 pileId, address vehicle) external view returns (bool) {
        Pile storage pile = piles[pileId];
        if (pile.owner == address(0)) revert UnknownPile(pileId);
        return vehicle == pile.owner || freeVehicles[pileId][pile.generation][vehicle];
    }
}
