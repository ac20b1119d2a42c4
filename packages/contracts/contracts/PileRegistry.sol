// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Tariff, Terms} from "./Terms.sol";

/// @title PileRegistry
/// @notice Charging piles: their owners, the terms a car accepts when it opens a session (payout, hot agent key,
///         tariff, credit), and the owner's free vehicles.
/// @dev A pile id is derived from the registrant and the device id (DMID), so nobody can take a pile's id from its
///      rightful owner. The escrow reads one slot per session opening: the hash of the current terms, which the car
///      must match. Every change emits the new terms, so an indexer can rebuild the registry from events alone.
contract PileRegistry {
    /// @notice A pile as the views return it.
    struct Pile {
        address owner;
        /// Bumped on every transfer; free vehicles are keyed by it so the previous owner's cars lose their status.
        uint96 generation;
        Terms terms;
        /// `keccak256(abi.encode(terms))`: what a session opening must match.
        bytes32 termsHash;
    }

    /// @dev Terms packed into four slots (their struct layout would take six).
    struct PackedTerms {
        address payout;
        uint96 pricePerKWh;
        address agent;
        uint96 pricePerMinute;
        address currency;
        uint96 idlePerMinute;
        uint96 sessionFee;
        uint32 creditWh;
    }

    struct Record {
        address owner;
        uint96 generation;
        bytes32 termsHash;
        PackedTerms terms;
    }

    mapping(bytes32 pileId => Record) private records;
    mapping(bytes32 pileId => mapping(uint96 generation => mapping(address vehicle => bool))) private freeVehicles;

    event PileRegistered(bytes32 indexed pileId, address indexed owner, bytes32 dmid);
    /// @notice Emitted on registration and on every change of the terms (tariff, credit, payout, agent, transfer).
    event PileTermsChanged(bytes32 indexed pileId, Terms terms, bytes32 termsHash);
    event PileTransferred(
        bytes32 indexed pileId, address indexed previousOwner, address indexed newOwner, uint96 generation
    );
    event FreeVehicleSet(bytes32 indexed pileId, address indexed vehicle, bool free);

    error UnknownPile(bytes32 pileId);
    error PileExists(bytes32 pileId);
    error NotPileOwner(bytes32 pileId, address caller);
    error ZeroAddress();

    modifier onlyOwner(bytes32 pileId) {
        address owner = records[pileId].owner;
        if (owner == address(0)) revert UnknownPile(pileId);
        if (owner != msg.sender) revert NotPileOwner(pileId, msg.sender);
        _;
    }

    /// @notice Registers a pile owned by the caller.
    /// @param dmid The management system's device id; the pile id is `pileIdOf(msg.sender, dmid)`.
    /// @param terms Payout (also a channel's recipient), agent (the hot key that settles), tariff and credit.
    function registerPile(bytes32 dmid, Terms calldata terms) external returns (bytes32 pileId) {
        pileId = pileIdOf(msg.sender, dmid);
        Record storage record = records[pileId];
        if (record.owner != address(0)) revert PileExists(pileId);
        record.owner = msg.sender;
        emit PileRegistered(pileId, msg.sender, dmid);
        _setTerms(pileId, terms);
    }

    /// @notice Changes the tariff for sessions opened from now on; open sessions keep the terms they bound.
    function setTariff(bytes32 pileId, Tariff calldata tariff) external onlyOwner(pileId) {
        Terms memory terms = _terms(pileId);
        terms.tariff = tariff;
        _setTerms(pileId, terms);
    }

    /// @notice Changes the energy (Wh) the pile delivers ahead of the car's vouchers, which caps a claim.
    function setCredit(bytes32 pileId, uint32 creditWh) external onlyOwner(pileId) {
        Terms memory terms = _terms(pileId);
        terms.creditWh = creditWh;
        _setTerms(pileId, terms);
    }

    /// @notice Changes where earnings of sessions opened from now on go.
    function setPayout(bytes32 pileId, address payout) external onlyOwner(pileId) {
        Terms memory terms = _terms(pileId);
        terms.payout = payout;
        _setTerms(pileId, terms);
    }

    /// @notice Replaces the hot agent key for sessions opened from now on, e.g. after the Pi is lost. Open sessions
    ///         are moved to the new key with `SessionEscrow.reassignSessions`.
    function setAgent(bytes32 pileId, address agent) external onlyOwner(pileId) {
        Terms memory terms = _terms(pileId);
        terms.agent = agent;
        _setTerms(pileId, terms);
    }

    /// @notice Adds and removes the owner's own cars, which charge at this pile for free.
    /// @param add Vehicles that become free; @param remove Vehicles that stop being free (applied after `add`).
    function setFreeVehicles(bytes32 pileId, address[] calldata add, address[] calldata remove)
        external
        onlyOwner(pileId)
    {
        mapping(address => bool) storage free = freeVehicles[pileId][records[pileId].generation];
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
    ///         starts empty for the new owner. The pile keeps its id.
    function transferPile(bytes32 pileId, address newOwner, address payout, address agent)
        external
        onlyOwner(pileId)
    {
        if (newOwner == address(0)) revert ZeroAddress();
        Record storage record = records[pileId];
        uint96 generation = record.generation + 1;
        record.owner = newOwner;
        record.generation = generation;
        emit PileTransferred(pileId, msg.sender, newOwner, generation);
        Terms memory terms = _terms(pileId);
        terms.payout = payout;
        terms.agent = agent;
        _setTerms(pileId, terms);
    }

    // ---------------------------------------------------------------- views

    /// @notice The id a pile registered by `registrant` with device id `dmid` gets.
    function pileIdOf(address registrant, bytes32 dmid) public pure returns (bytes32) {
        return keccak256(abi.encode(registrant, dmid));
    }

    /// @notice The pile's full record; reverts with `UnknownPile` if it was never registered.
    function getPile(bytes32 pileId) external view returns (Pile memory pile) {
        Record storage record = records[pileId];
        if (record.owner == address(0)) revert UnknownPile(pileId);
        return Pile(record.owner, record.generation, _terms(pileId), record.termsHash);
    }

    /// @notice The hash of the terms a session opened now must bind; one storage read, for the escrow.
    function termsHashOf(bytes32 pileId) external view returns (bytes32 termsHash) {
        termsHash = records[pileId].termsHash;
        if (termsHash == bytes32(0)) revert UnknownPile(pileId);
    }

    /// @notice The pile's current owner (the cold key that may change its terms and reassign its open sessions).
    function ownerOf(bytes32 pileId) external view returns (address owner) {
        owner = records[pileId].owner;
        if (owner == address(0)) revert UnknownPile(pileId);
    }

    /// @notice True for the pile's owner and the cars the current owner listed.
    function isFreeVehicle(bytes32 pileId, address vehicle) external view returns (bool) {
        Record storage record = records[pileId];
        address owner = record.owner;
        if (owner == address(0)) revert UnknownPile(pileId);
        return vehicle == owner || freeVehicles[pileId][record.generation][vehicle];
    }

    // ---------------------------------------------------------------- internals

    function _terms(bytes32 pileId) private view returns (Terms memory) {
        PackedTerms storage packed = records[pileId].terms;
        return Terms(
            packed.payout,
            packed.agent,
            Tariff(packed.currency, packed.pricePerKWh, packed.pricePerMinute, packed.idlePerMinute, packed.sessionFee),
            packed.creditWh
        );
    }

    function _setTerms(bytes32 pileId, Terms memory terms) private {
        if (terms.payout == address(0) || terms.agent == address(0)) revert ZeroAddress();
        Tariff memory tariff = terms.tariff;
        records[pileId].terms = PackedTerms(
            terms.payout,
            tariff.pricePerKWh,
            terms.agent,
            tariff.pricePerMinute,
            tariff.currency,
            tariff.idlePerMinute,
            tariff.sessionFee,
            terms.creditWh
        );
        bytes32 termsHash = keccak256(abi.encode(terms));
        records[pileId].termsHash = termsHash;
        emit PileTermsChanged(pileId, terms, termsHash);
    }
}
