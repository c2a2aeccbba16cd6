#include "core/inventory/ledger_rule.h"

#include <gtest/gtest.h>

namespace commerce::inventory {
namespace {

TEST(LedgerRule, EachKindAcceptsItsOwnSigns) {
  EXPECT_TRUE(movement_fits_kind("receipt", 5, 0));
  EXPECT_TRUE(movement_fits_kind("adjustment", -2, 0));
  EXPECT_TRUE(movement_fits_kind("adjustment", 3, 0));
  EXPECT_TRUE(movement_fits_kind("reservation", 0, 1));
  EXPECT_TRUE(movement_fits_kind("commit", -4, -4));
  EXPECT_TRUE(movement_fits_kind("release", 0, -1));
  EXPECT_TRUE(movement_fits_kind("expiry", 0, -7));
}

TEST(LedgerRule, WrongSignsAreRefused) {
  EXPECT_FALSE(movement_fits_kind("receipt", -5, 0));
  EXPECT_FALSE(movement_fits_kind("receipt", 5, 1));
  EXPECT_FALSE(movement_fits_kind("adjustment", 0, 0));
  EXPECT_FALSE(movement_fits_kind("adjustment", 1, 1));
  EXPECT_FALSE(movement_fits_kind("reservation", 0, -1));
  EXPECT_FALSE(movement_fits_kind("reservation", 1, 1));
  EXPECT_FALSE(movement_fits_kind("commit", -4, -3));
  EXPECT_FALSE(movement_fits_kind("commit", 4, 4));
  EXPECT_FALSE(movement_fits_kind("release", 0, 1));
  EXPECT_FALSE(movement_fits_kind("expiry", -1, -1));
}

TEST(LedgerRule, UnknownKindsAreRefused) {
  EXPECT_FALSE(movement_fits_kind("", 1, 0));
  EXPECT_FALSE(movement_fits_kind("Receipt", 1, 0));
  EXPECT_FALSE(movement_fits_kind("transfer", 0, 0));
}

}  // namespace
}  // namespace commerce::inventory
