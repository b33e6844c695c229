/**
 * The groups slice's public face: the area tree, groups found by id or name, what an admin's
 * grants cover, and the demo data. Other slices, the bot, the CLI and the app import this file only.
 */
export { AreaNotFound, GroupNotFound, areaById, areaNames, areaPathNames, hasAreas, findArea, findGroup, subtreeIds } from './areas.ts';
export { adminLevels, areasWhere, canSee, isProvinceAdmin, isTopLevelAdmin, loadScope, pathInScope, type AdminLevel, type AdminScope } from './scope.ts';
export { readDemoData, seedDemo } from './demo.ts';
